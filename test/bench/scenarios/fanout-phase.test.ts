import { describe, expect, it } from 'vitest';
import { arrivalsFrom, phaseOf, undelivered } from '../../../bench/scenarios/fanout-phase.ts';
import { hashParams } from '../../../bench/scenarios/raw-argon2.ts';

// Two subscriber workers each report their part of the deliveries; times in µs.
const starts: Array<[string, number]> = [
  ['a', 1_000_000],
  ['b', 1_100_000],
  ['c', 1_200_000],
];
const worker1: Array<[string, number, number]> = [
  ['a', 2, 1_005_000],
  ['b', 2, 1_150_000],
  ['c', 1, 1_210_000],
];
const worker2: Array<[string, number, number]> = [
  ['a', 1, 1_010_000],
  ['b', 1, 1_120_000],
];

describe('phaseOf', () => {
  it('counts a session delivered only once every subscriber has it', () => {
    const arrivals = arrivalsFrom([...worker1, ...worker2]);
    expect(undelivered(starts, arrivals, 3)).toBe(1);
    const phase = phaseOf(starts, arrivals, 3);
    expect(phase.sessions).toBe(3);
    expect(phase.missing).toBe(1);
    expect(phase.delivered).toBe(7);
    expect(phase.latency.count).toBe(2);
    expect(phase.latency.max).toBeCloseTo(50, 0); // b: sent 1.10 s, last arrival 1.15 s
    expect(phase.window).toEqual([1_000_000, 1_150_000]);
    // Two complete sessions from the first start to the last complete arrival (0.15 s).
    expect(phase.sessionsPerSec).toBeCloseTo(2 / 0.15, 5);
  });

  it('completes a session when a later snapshot brings the missing delivery', () => {
    const arrivals = arrivalsFrom([
      ...worker1,
      ...worker2,
      ['c', 1, 1_300_000],
      ['c', 1, 1_250_000],
    ]);
    expect(undelivered(starts, arrivals, 3)).toBe(0);
    expect(phaseOf(starts, arrivals, 3).window[1]).toBe(1_300_000);
  });
});

describe('hashParams', () => {
  it('reads the cost parameters of an argon2id hash in m, t, p order', () => {
    const hash = '$argon2id$v=19$m=19456,p=1,t=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
    expect(hashParams(hash)).toBe('m=19456,t=2,p=1');
  });
});
