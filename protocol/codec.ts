/**
 * MessagePack encoding of protocol messages: plain maps with string keys, no msgpackr records
 * or other extensions, so that any MessagePack library can talk to the hub.
 */
import { C1, Packr, Unpackr } from 'msgpackr';

// variableMapSize: small maps as fixmap (1 header byte) rather than map16, like other encoders.
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  variableMapSize: true,
});

// Maps decode as Map so that non-string keys and keys such as "__proto__" stay inert data.
const unpackr = new Unpackr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  mapsAsObjects: false,
  int64AsType: 'number',
});

/** Encodes one message as a MessagePack map. */
export function encodeMessage(message: object): Uint8Array {
  return packr.pack(message);
}

export type DecodeResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'empty' | 'truncated' | 'corrupt' | 'trailing-bytes' };

/**
 * Decodes exactly one MessagePack value. Trailing bytes, truncated input and the reserved 0xc1
 * byte make the frame invalid (PROTOCOL.md, "Transport").
 */
export function decodeMessage(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  let values: unknown[];
  try {
    values = unpackr.unpackMultiple(bytes) as unknown[];
  } catch (error) {
    const truncated = (error as { incomplete?: boolean }).incomplete === true;
    return { ok: false, reason: truncated ? 'truncated' : 'corrupt' };
  }
  if (values.length !== 1) return { ok: false, reason: 'trailing-bytes' };
  const value = values[0];
  if (!onlyStandardTypes(value)) return { ok: false, reason: 'corrupt' };
  return { ok: true, value };
}

/**
 * True when the value holds only what plain MessagePack means: nil, booleans, numbers, strings,
 * binary, arrays, maps and timestamps. msgpackr also decodes extensions of its own (sets,
 * regular expressions, errors, big integers, typed arrays) and the reserved 0xc1; in a frame
 * from a client those are corrupt input, not data.
 */
function onlyStandardTypes(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null) continue; // nil; `undefined` only comes from msgpackr's extension 0
    const type = typeof value;
    if (type === 'string' || type === 'number' || type === 'boolean') continue;
    if (value === C1 || type !== 'object') return false;
    if (value instanceof Map) {
      for (const [key, item] of value) pending.push(key, item);
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (!isBinaryOrTimestamp(value as object)) {
      return false;
    }
  }
  return true;
}

// Binary decodes as a Buffer where Node's Buffer exists, else as a Uint8Array; a plain
// Uint8Array in Node is msgpackr's typed-array extension.
const BINARY_PROTOTYPE =
  (globalThis as { Buffer?: { prototype: object } }).Buffer?.prototype ?? Uint8Array.prototype;

function isBinaryOrTimestamp(value: object): boolean {
  if (value instanceof Uint8Array) return Object.getPrototypeOf(value) === BINARY_PROTOTYPE;
  // A timestamp extension of a wrong length decodes to an invalid date.
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * Turns a decoded map into a plain object for clients: maps become objects holding only their
 * string keys, with no prototype to pollute. Arrays and nested maps are converted too.
 */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, item] of value) {
      if (typeof key === 'string') out[key] = toPlain(item);
    }
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}
