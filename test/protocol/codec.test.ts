import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, toPlain } from '../../protocol/index.ts';

describe('the MessagePack codec', () => {
  it('encodes plain maps, without msgpackr record extensions', () => {
    const bytes = encodeMessage({ id: 1, ok: true, user: { username: 'a' } });
    expect(bytes[0]).toBe(0x83); // fixmap of three entries
    expect([...bytes]).not.toContain(0xd4); // no fixext (records use extensions)
    expect(toPlain((decodeMessage(bytes) as { value: unknown }).value)).toEqual({
      id: 1,
      ok: true,
      user: { username: 'a' },
    });
  });

  it('decodes timestamps beyond 32 bits in integer and float formats alike', () => {
    const now = 1_796_400_000_000;
    const asFloat = Uint8Array.from([0x81, 0xa1, 0x74, 0xcb, ...float64(now)]);
    const asUint = Uint8Array.from([0x81, 0xa1, 0x74, 0xcf, ...uint64(now)]);
    for (const bytes of [asFloat, asUint]) {
      expect(toPlain((decodeMessage(bytes) as { value: unknown }).value)).toEqual({ t: now });
    }
  });

  it.each([
    ['empty input', [], 'empty'],
    ['a truncated string', [0xa5, 0x61], 'truncated'],
    ['trailing bytes', [0x80, 0x80], 'trailing-bytes'],
    ['the reserved byte 0xc1', [0xc1], 'corrupt'],
  ])('refuses %s', (_name, bytes, reason) => {
    expect(decodeMessage(Uint8Array.from(bytes))).toEqual({ ok: false, reason });
  });

  const str = (text: string) => [...encodeMessage(text as unknown as object)];
  it.each([
    ["msgpackr's Set extension", [0xd5, 0x73, 0x91, 0x01]],
    ["msgpackr's BigInt extension", [0xd4, 0x42, 0x01]],
    ["msgpackr's RegExp extension", [0xd5, 0x78, 0x92, 0xa1]],
    ['a nested reserved byte 0xc1', [0xc1]],
    ["msgpackr's undefined extension", [0xd4, 0x00, 0x00]],
    ["msgpackr's Uint8Array extension", [0xc7, 0x03, 0x74, 0x01, 0x01, 0x02]],
    ['a timestamp of a wrong length', [0xd4, 0xff, 0x01]],
  ])('refuses %s anywhere in a request', (_name, value) => {
    const frame = Uint8Array.from([0x82, ...str('id'), 0x01, ...str('x'), ...value]);
    expect(decodeMessage(frame)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('accepts binary and timestamps', () => {
    const frame = encodeMessage({ bin: Uint8Array.of(1, 2), at: new Date(0) });
    expect(decodeMessage(frame).ok).toBe(true);
  });

  it('keeps "__proto__" keys as inert data', () => {
    const bytes = Uint8Array.from([
      0x81,
      0xa9,
      ...Buffer.from('__proto__'),
      0x81,
      0xa1,
      0x78,
      0x01,
    ]);
    const plain = toPlain((decodeMessage(bytes) as { value: unknown }).value) as Record<
      string,
      unknown
    >;
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf(plain)).toBeNull();
  });
});

function float64(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return [...new Uint8Array(view.buffer)];
}

function uint64(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(value));
  return [...new Uint8Array(view.buffer)];
}
