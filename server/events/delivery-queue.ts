/**
 * Orders deliveries of the Redis event bus. Events go out in the order Redis delivered them,
 * and an event this bus published itself waits until its `publish()` has settled and the
 * publisher's continuation has run: as with the in-memory bus, a request's response goes out
 * before the event it caused (PROTOCOL.md, "Events"). Waiting holds back the events behind it
 * too, so that the order stays that of the channel.
 */
import type { BusEnvelope } from './bus-envelope.ts';

export class DeliveryQueue {
  readonly #origin: string;
  readonly #deliver: (envelope: BusEnvelope) => void;
  readonly #queue: BusEnvelope[] = [];
  readonly #unsettled = new Set<number>();
  #scheduled = false;

  /** `origin` is this bus's own; `deliver` hands one event to every listener. */
  constructor(origin: string, deliver: (envelope: BusEnvelope) => void) {
    this.#origin = origin;
    this.#deliver = deliver;
  }

  /** Marks an own event as being published; call before sending it. */
  publishing(seq: number): void {
    this.#unsettled.add(seq);
  }

  /** Its publish settled (resolved or not); deliveries waiting for it resume a turn later. */
  settled(seq: number): void {
    this.#unsettled.delete(seq);
    this.#schedule();
  }

  push(envelope: BusEnvelope): void {
    this.#queue.push(envelope);
    this.#schedule();
  }

  clear(): void {
    this.#queue.length = 0;
    this.#unsettled.clear();
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    this.#scheduled = false;
    for (let head = this.#queue[0]; head; head = this.#queue[0]) {
      if (head.o === this.#origin && this.#unsettled.has(head.s)) return;
      this.#queue.shift();
      this.#deliver(head);
    }
  }
}
