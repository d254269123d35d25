import { describe, expect, it } from 'vitest';
import { RECONNECT_DEFAULTS, backoffDelay } from '../../client/index.ts';

describe('backoffDelay', () => {
  const options = { ...RECONNECT_DEFAULTS, initialDelayMs: 100, maxDelayMs: 1000 };

  it('stays between half the ceiling and the ceiling', () => {
    expect(backoffDelay(options, 0, () => 0)).toBe(50);
    expect(backoffDelay(options, 0, () => 0.999999)).toBe(99);
  });

  it('doubles the ceiling per attempt up to maxDelayMs', () => {
    const ceilings = [0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(options, attempt, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads clients with the random draw', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(options, 3)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(400);
  });
});
