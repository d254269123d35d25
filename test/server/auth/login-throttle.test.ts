import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../server/auth/login-throttle.ts';

describe('LoginThrottle', () => {
  it('limits a username after the configured failures, until the window ends', () => {
    const throttle = new LoginThrottle({ failuresBeforeThrottle: 3, windowMs: 1000 });
    for (let i = 0; i < 3; i++) {
      expect(throttle.isLimited('alice', `10.0.0.${i}`, 0)).toBe(false);
      throttle.recordFailure('alice', `10.0.0.${i}`, 0);
    }
    expect(throttle.isLimited('alice', '10.9.9.9', 10)).toBe(true);
    expect(throttle.isLimited('bob', '10.9.9.9', 10)).toBe(false);
    expect(throttle.isLimited('alice', '10.9.9.9', 1000)).toBe(false);
  });

  it('limits a source address across usernames, at four times the username limit', () => {
    const throttle = new LoginThrottle({ failuresBeforeThrottle: 2, windowMs: 1000 });
    for (let i = 0; i < 7; i++) throttle.recordFailure(`user${i}`, '10.0.0.1', 0);
    expect(throttle.isLimited('c', '10.0.0.1', 1)).toBe(false);
    throttle.recordFailure('user7', '10.0.0.1', 0);
    expect(throttle.isLimited('c', '10.0.0.1', 1)).toBe(true);
    expect(throttle.isLimited('c', '10.0.0.2', 1)).toBe(false);
    expect(throttle.retryAfterMs('c', '10.0.0.1', 400)).toBe(600);
  });

  it("clears a username's failures on success", () => {
    const throttle = new LoginThrottle({ failuresBeforeThrottle: 2, windowMs: 1000 });
    throttle.recordFailure('a', '10.0.0.1', 0);
    throttle.recordSuccess('a');
    throttle.recordFailure('a', '10.0.0.2', 0);
    expect(throttle.isLimited('a', '10.0.0.3', 1)).toBe(false);
  });

  it('keeps memory bounded', () => {
    const throttle = new LoginThrottle({ failuresBeforeThrottle: 1, windowMs: 1e9, maxKeys: 10 });
    for (let i = 0; i < 100; i++) throttle.recordFailure(`u${i}`, `10.0.0.${i}`, 0);
    expect(throttle.isLimited('u0', '192.0.2.1', 1)).toBe(false); // evicted
    expect(throttle.isLimited('u99', '192.0.2.1', 1)).toBe(true);
  });

  it('is off with a limit of 0', () => {
    const throttle = new LoginThrottle({ failuresBeforeThrottle: 0, windowMs: 1000 });
    for (let i = 0; i < 10; i++) throttle.recordFailure('a', '10.0.0.1', 0);
    expect(throttle.isLimited('a', '10.0.0.1', 1)).toBe(false);
  });
});

describe('LoginThrottle allowances', () => {
  it('tells how many failures a username and an address have left', () => {
    const throttle = new LoginThrottle({ failuresBeforeThrottle: 3, windowMs: 1000 });
    throttle.recordFailure('alice', '10.0.0.1', 0);
    expect(throttle.userAllowance('alice', 1)).toBe(2);
    expect(throttle.addressAllowance('10.0.0.1', 1)).toBe(11);
    expect(throttle.userAllowance('alice', 1000)).toBe(3); // the window ended
    const off = new LoginThrottle({ failuresBeforeThrottle: 0, windowMs: 1000 });
    expect(off.userAllowance('alice')).toBe(Infinity);
  });
});
