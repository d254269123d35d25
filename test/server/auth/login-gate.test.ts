import { describe, expect, it } from 'vitest';
import { LoginGate } from '../../../server/auth/login-gate.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('LoginGate', () => {
  it('runs as many logins of one key as its allowance and queues the rest', async () => {
    const gate = new LoginGate(() => 2, 10);
    const order: string[] = [];
    const first = await gate.enter('alice');
    const second = await gate.enter('alice');
    const third = gate.enter('alice').then((leave) => (order.push('third'), leave));
    const other = await gate.enter('bob'); // other keys are not held up
    await tick();
    expect(order).toEqual([]);
    first();
    first(); // leaving twice frees one slot only
    (await third)();
    expect(order).toEqual(['third']);
    second();
    other();
  });

  it('follows the allowance as it shrinks and grows', async () => {
    let allowance = 3;
    const gate = new LoginGate(() => allowance, 10);
    const held = [await gate.enter('k'), await gate.enter('k'), await gate.enter('k')];
    let entered = 0;
    const waiting = [1, 2, 3].map(() => gate.enter('k').then((leave) => (entered++, leave)));
    allowance = 1; // two failures were counted
    held[0]!();
    await tick();
    expect(entered).toBe(0); // still two running, one allowed
    allowance = 5; // a success cleared the count
    held[1]!();
    await tick();
    expect(entered).toBe(3);
    held[2]!();
    for (const leave of await Promise.all(waiting)) leave();
    expect(gate.running('k')).toBe(0);
  });

  it('lets one through at a time when no allowance is left, to be refused after', async () => {
    const gate = new LoginGate(() => 0, 10);
    const leave = await gate.enter('k');
    expect(gate.running('k')).toBe(1);
    leave();
  });

  it('refuses with BUSY when the queue over all keys is full', async () => {
    const gate = new LoginGate(() => 1, 1);
    await gate.enter('a');
    void gate.enter('a');
    await expect(gate.enter('a')).rejects.toMatchObject({ code: 'BUSY' });
  });

  it('is off with an infinite allowance', async () => {
    const gate = new LoginGate(() => Infinity, 0);
    for (let i = 0; i < 5; i++) await gate.enter('a');
    expect(gate.running('a')).toBe(0);
  });
});
