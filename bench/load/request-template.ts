/**
 * A request encoded once with encodeMessage, whose id is patched per send: the generator then
 * spends its time on the socket, not on re-encoding the same map.
 */
import { encodeMessage } from '../../protocol/index.ts';

// msgpack "uint 32" (0xce) after the key "id": a placeholder id always takes that form.
const ID_KEY = [0xa2, 0x69, 0x64, 0xce];
const PLACEHOLDER_ID = 0xffff_ffff;

export interface RequestTemplate {
  bytes: Buffer;
  /** Offset of the four id bytes. */
  idOffset: number;
}

export function createRequestTemplate(request: Record<string, unknown>): RequestTemplate {
  const bytes = Buffer.from(encodeMessage({ ...request, id: PLACEHOLDER_ID }));
  const at = bytes.indexOf(Buffer.from(ID_KEY));
  if (at < 0) throw new Error('request template: id not found in the encoded map');
  return { bytes, idOffset: at + ID_KEY.length };
}

/** A fresh frame with the given id: sockets keep a reference, so a frame is never reused. */
export function frameWithId(template: RequestTemplate, id: number): Buffer {
  const frame = Buffer.allocUnsafe(template.bytes.length);
  template.bytes.copy(frame);
  frame.writeUInt32BE(id, template.idOffset);
  return frame;
}
