import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../../../server/net/address.ts';

describe('normalizeAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['0000:0000:0000:0000:0000:ffff:7f00:0001', '127.0.0.1'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['::ffff:c000:0201', '192.0.2.1'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
  ])('turns %s into %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });

  it.each(['', 'localhost', '256.1.1.1', '1.2.3', '::ffff:999.1.1.1'])('rejects %j', (input) => {
    expect(normalizeAddress(input)).toBeNull();
  });
});
