/**
 * Encodes the answer to a `session.validate` that the cache decided, the hub's hottest path.
 * Everything but the request id and `lastSeenAt` is fixed for a session, so those bytes are
 * encoded once per user object and session and copied after. The frame is one plain
 * MessagePack map equal to the generic encoder's answer (only the key order differs).
 */
import { encodeMessage } from '../../protocol/index.ts';
import type { HubUser } from '../sessions/hub-user.ts';
import type { SessionRecord } from '../sessions/session-record.ts';

interface Template {
  sessionId: string;
  /** From the "ok" key up to, and including, the "lastSeenAt" key of the session map. */
  middle: Uint8Array;
}

const templates = new WeakMap<HubUser, Template>();
const ID_KEY = encodeMessage('id' as unknown as object);
const OUTER_MAP_OF_FOUR = 0x84;

function buildTemplate(user: HubUser, record: Readonly<SessionRecord>): Template {
  const session = {
    id: record.id,
    username: record.username,
    readWrite: record.readWrite,
    srcAddr: record.srcAddr,
    startedAt: record.startedAt,
    mechanism: record.mechanism,
    lastSeenAt: 0, // last, so that its value ends the frame
  };
  const sample = encodeMessage({ ok: true, user: user.toWire(), session });
  // `sample` is a map of three ending in lastSeenAt: 0 (one byte, 0x00). Drop the map header
  // and that byte: what remains runs from "ok" up to the lastSeenAt key.
  return { sessionId: record.id, middle: sample.subarray(1, sample.length - 1) };
}

/** The request id, as MessagePack's smallest unsigned integer form (ids are 1..2^32-1). */
function idBytes(id: number): number[] {
  if (id < 0x80) return [id];
  if (id < 0x100) return [0xcc, id];
  if (id < 0x10000) return [0xcd, id >> 8, id & 0xff];
  return [0xce, (id >>> 24) & 0xff, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff];
}

export function encodeValidateReply(id: number, user: HubUser, record: Readonly<SessionRecord>) {
  let template = templates.get(user);
  if (template?.sessionId !== record.id) {
    template = buildTemplate(user, record);
    templates.set(user, template);
  }
  const head = idBytes(id);
  const size = 1 + ID_KEY.length + head.length + template.middle.length + 9;
  const frame = new Uint8Array(size);
  let at = 0;
  frame[at++] = OUTER_MAP_OF_FOUR;
  frame.set(ID_KEY, at);
  at += ID_KEY.length;
  frame.set(head, at);
  at += head.length;
  frame.set(template.middle, at);
  at += template.middle.length;
  frame[at++] = 0xcb; // float 64, as JavaScript encoders write timestamps beyond 32 bits
  new DataView(frame.buffer).setFloat64(at, record.lastSeenAt);
  return frame;
}
