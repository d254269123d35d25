import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import {
  applyHealthEvent,
  createServerHealth,
  nextStatus,
  usability,
} from '../../../../server/auth/radius/server-health.ts';

const silent = pino({ level: 'silent' });

describe('RADIUS server health', () => {
  it('goes dead on silence and is skipped until the holddown ends', () => {
    const health = createServerHealth('127.0.0.1:1812', 0);
    applyHealthEvent(health, 'silent', 1000, 500, silent);
    expect(health.status).toEqual({ kind: 'dead', since: 1000, retryAt: 1500 });
    expect(usability(health, 1499)).toBe('skip');
    expect(usability(health, 1500)).toBe('probe');
  });

  it('lets one request probe while the others keep skipping', () => {
    const health = createServerHealth('s', 0);
    applyHealthEvent(health, 'silent', 0, 100, silent);
    applyHealthEvent(health, 'probe', 100, 100, silent);
    expect(health.status.kind).toBe('probing');
    expect(usability(health, 5000)).toBe('skip');
  });

  it('comes back alive when a probe is answered, and dead again when it is not', () => {
    const health = createServerHealth('s', 0);
    applyHealthEvent(health, 'silent', 0, 100, silent);
    applyHealthEvent(health, 'probe', 100, 100, silent);
    applyHealthEvent(health, 'answered', 120, 100, silent);
    expect(health.status).toEqual({ kind: 'alive' });
    applyHealthEvent(health, 'silent', 200, 100, silent);
    applyHealthEvent(health, 'probe', 300, 100, silent);
    applyHealthEvent(health, 'silent', 350, 100, silent);
    expect(health.status).toEqual({ kind: 'dead', since: 350, retryAt: 450 });
  });

  it('hands an abandoned probe to the next request at once', () => {
    const probing = { kind: 'probing', since: 10 } as const;
    expect(nextStatus(probing, 'abandoned', 20, 100)).toEqual({
      kind: 'dead',
      since: 10,
      retryAt: 20,
    });
    expect(nextStatus({ kind: 'alive' }, 'abandoned', 20, 100)).toEqual({ kind: 'alive' });
  });

  it('ignores a probe before the holddown ends', () => {
    const dead = { kind: 'dead', since: 0, retryAt: 100 } as const;
    expect(nextStatus(dead, 'probe', 50, 100)).toBe(dead);
  });

  it('records when the status kind changes', () => {
    const health = createServerHealth('s', 0);
    applyHealthEvent(health, 'answered', 10, 100, silent);
    expect(health.changedAt).toBe(0);
    applyHealthEvent(health, 'silent', 20, 100, silent);
    expect(health.changedAt).toBe(20);
  });
});
