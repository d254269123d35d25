/** Length limits of request fields, in UTF-8 bytes (protocol/README.md, "Limits"). */
export const FIELD_LIMITS = Object.freeze({
  username: 256,
  password: 1024,
  cookie: 256,
  sessionId: 64,
  op: 64,
  topic: 64,
});

/** Request ids are integers in 1..2^32-1 (PROTOCOL.md, "Requests and responses"). */
export const MAX_REQUEST_ID = 0xffff_ffff;

/** Default maximum message size, counted after fragments are reassembled. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
