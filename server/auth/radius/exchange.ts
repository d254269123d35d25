/**
 * One request to one server: the identical packet is sent again after each timeout, up to
 * `attempts` times in all. Replies that fail verification are counted and remembered, but the
 * request keeps waiting: a forged datagram must not cut a login short.
 */
import type {
  Family,
  DropCounters,
  PendingRequest,
  Slot,
  UdpRequestPool,
} from './udp-request-pool.ts';
import { PoolBusyError } from './udp-request-pool.ts';
import type { ReplyFault } from './reply-verification.ts';

export interface ExchangeRequest {
  address: string;
  port: number;
  family: Family;
  timeoutMs: number;
  /** First transmission plus retransmissions. */
  attempts: number;
  /** Builds the request once its identifier is known. */
  encode(id: number): Buffer;
  /** Null when `reply` is a verified answer to `request`, else why it is refused. */
  check(request: Buffer, reply: Buffer): ReplyFault | null;
  signal: AbortSignal;
}

export type ExchangeResult =
  | { kind: 'reply'; reply: Buffer }
  /** No verified reply; `faults` lists the refused ones (empty: nothing came back). */
  | { kind: 'timeout'; faults: ReplyFault[] }
  | { kind: 'closed' }
  | { kind: 'busy' };

export async function exchange(
  pool: UdpRequestPool,
  counters: DropCounters,
  request: ExchangeRequest,
): Promise<ExchangeResult> {
  if (request.signal.aborted) return { kind: 'closed' };
  const pending: PendingRequest = {
    address: request.address,
    port: request.port,
    onDatagram: ignore,
  };
  let slot: Slot;
  try {
    slot = await pool.acquire(request.family, pending);
  } catch (error) {
    return error instanceof PoolBusyError ? { kind: 'busy' } : { kind: 'closed' };
  }
  return run(slot, pending, counters, request);
}

function ignore(): void {}

function run(
  slot: Slot,
  pending: PendingRequest,
  counters: DropCounters,
  request: ExchangeRequest,
): Promise<ExchangeResult> {
  const packet = request.encode(slot.id);
  const faults: ReplyFault[] = [];
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  return new Promise((resolve) => {
    const finish = (result: ExchangeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      slot.release();
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: 'closed' });
    const transmit = (): void => {
      if (sent === request.attempts) return finish({ kind: 'timeout', faults });
      sent++;
      slot.send(packet);
      timer = setTimeout(transmit, request.timeoutMs);
    };
    pending.onDatagram = (reply) => {
      const fault = request.check(packet, reply);
      if (fault === null) return finish({ kind: 'reply', reply });
      if (fault === 'malformed') counters.malformed++;
      else {
        counters.unverified++;
        faults.push(fault);
      }
    };
    // The slot may have come from the queue after close() began.
    if (request.signal.aborted) return onAbort();
    request.signal.addEventListener('abort', onAbort, { once: true });
    transmit();
  });
}
