/**
 * The JSON envelope of a session event on the Redis channel. `o` (origin) names the bus
 * instance that published it and `s` its sequence number there, so that a bus recognises its
 * own events coming back.
 */
import type { SessionEvent } from './session-events.ts';

export interface BusEnvelope {
  v: 1;
  o: string;
  s: number;
  e: SessionEvent;
}

export function encodeEnvelope(envelope: BusEnvelope): string {
  return JSON.stringify(envelope);
}

/** The envelope in `text`, or null when it is not one this version can read. */
export function decodeEnvelope(text: string): BusEnvelope | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.v !== 1) return null;
  if (typeof value.o !== 'string' || typeof value.s !== 'number') return null;
  return isSessionEvent(value.e) ? (value as unknown as BusEnvelope) : null;
}

function isSessionEvent(value: unknown): value is SessionEvent {
  if (!isRecord(value) || !isRecord(value.session)) return false;
  if (typeof value.session.id !== 'string') return false;
  if (value.type === 'created') return true;
  return value.type === 'cleared' && typeof value.reason === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
