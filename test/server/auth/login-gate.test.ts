import { describe, expect, it } from 'vitest';
import { LoginGate } from '../../../server/auth/login-gate.ts';

describe('LoginGate', () => {
  it('runs at most `limit` logins of one username at once, queueing the rest', async () => {
    const gate = new LoginGate(2, 10);
    const order: string[] = [];
    const first = await gate.enter('alice');
    const second = await gate.enter('alice');
    const third = gate.enter('alice').then((leave) => (order.push('third'), leave));
    const other = await gate.enter('bob'); // other usernames are not held up
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    first();
    first(); // leaving twice frees one slot only
    (await third)();
    expect(order).toEqual(['third']);
    second();
    other();
  });

  it('refuses with BUSY when the queue over all usernames is full', async () => {
    const gate = new LoginGate(1, 1);
    await gate.enter('a');
    void gate.enter('a');
    await expect(gate.enter('a')).rejects.toMatchObject({ code: 'BUSY' });
  });

  it('is off with a limit of 0', async () => {
    const gate = new LoginGate(0, 0);
    for (let i = 0; i < 5; i++) await gate.enter('a');
  });
});
