import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../server/events/session-events.ts';
import { OwnEventHold } from '../../../server/sessions/own-event-hold.ts';
import { sessionNamed } from '../events/bus-test-helpers.ts';

const session = sessionNamed;
const created = (id: string): SessionEvent => ({ type: 'created', session: session(id) });
const cleared = (id: string): SessionEvent => ({
  type: 'cleared',
  session: session(id),
  reason: 'cleared',
});

describe('OwnEventHold', () => {
  it('applies events of sessions with no publish under way at once', () => {
    const hold = new OwnEventHold();
    const applied: string[] = [];
    hold.route(created('a'), (e) => applied.push(`${e.type}:${e.session.id}`));
    expect(applied).toEqual(['created:a']);
  });

  it('holds the events of a session until its publish settles, in order', async () => {
    const hold = new OwnEventHold();
    const applied: string[] = [];
    const apply = (e: SessionEvent) => applied.push(`${e.type}:${e.session.id}`);
    let acknowledge!: () => void;
    hold.track('a', new Promise<void>((resolve) => (acknowledge = resolve)));
    hold.route(created('a'), apply);
    hold.route(cleared('a'), apply);
    hold.route(created('b'), apply); // another session is not held
    expect(applied).toEqual(['created:b']);
    acknowledge();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(applied).toEqual(['created:b', 'created:a', 'cleared:a']);
    hold.route(cleared('b'), apply);
    expect(applied.at(-1)).toBe('cleared:b');
  });

  it('releases held events when the publish fails too', async () => {
    const hold = new OwnEventHold();
    const applied: string[] = [];
    hold.track('a', Promise.reject(new Error('bus down')));
    hold.route(created('a'), (e) => applied.push(e.type));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(applied).toEqual(['created']);
  });
});
