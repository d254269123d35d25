import { describe, expect, it } from 'vitest';
import { OriginPolicy } from '../../../server/http/origin-policy.ts';

describe('OriginPolicy', () => {
  const policy = new OriginPolicy(['https://ops.example'], false);

  it('lets clients without an Origin through', () => {
    expect(policy.allows(undefined, '127.0.0.1:7400')).toBe(true);
  });

  it.each([
    ['http://127.0.0.1:7400', '127.0.0.1:7400'],
    ['http://localhost:7400', 'localhost:7400'],
    ['http://[::1]:7400', '[::1]:7400'],
    ['https://ops.example', 'hub.internal:7400'],
  ])('allows %s (Host %s)', (origin, host) => {
    expect(policy.allows(origin, host)).toBe(true);
  });

  it.each([
    ['a DNS-rebinding page naming itself in Host', 'http://rebind.evil:7400', 'rebind.evil:7400'],
    ['another site', 'https://evil.example', '127.0.0.1:7400'],
    ['the own address over the other scheme', 'https://127.0.0.1:7400', '127.0.0.1:7400'],
    ['another port', 'http://127.0.0.1:8080', '127.0.0.1:7400'],
    ['an opaque origin', 'null', '127.0.0.1:7400'],
  ])('refuses %s', (_name, origin, host) => {
    expect(policy.allows(origin, host)).toBe(false);
  });

  it('expects https for its own origin when it serves TLS', () => {
    const tls = new OriginPolicy([], true);
    expect(tls.allows('https://127.0.0.1:7400', '127.0.0.1:7400')).toBe(true);
    expect(tls.allows('http://127.0.0.1:7400', '127.0.0.1:7400')).toBe(false);
  });
});
