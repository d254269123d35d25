/**
 * Sends one request through the configured servers in priority order: each server gets
 * `retries + 1` attempts of `timeoutMs`, then the next is tried (CONFIG.md, "retries"). A
 * server that gave no reply at all is skipped for a while (server-health.ts).
 */
import { lookup } from 'node:dns/promises';
import type { Logger } from 'pino';
import type { RadiusServerConfig } from '../../config/config-types.ts';
import { exchange } from './exchange.ts';
import type { ReplyFault } from './reply-verification.ts';
import { applyHealthEvent, createServerHealth, usability } from './server-health.ts';
import type { HealthEvent, ServerHealth } from './server-health.ts';
import type { DropCounters, Family, UdpRequestPool } from './udp-request-pool.ts';

export type Purpose = 'auth' | 'acct';

export interface ServerEntry {
  readonly config: RadiusServerConfig;
  /** `host:authPort`: the accept outcome's `serverKey`. */
  readonly key: string;
  readonly health: Readonly<Record<Purpose, ServerHealth>>;
  address?: Promise<{ address: string; family: Family } | null>;
}

export interface RoundRequest {
  purpose: Purpose;
  /** Servers in the order to try them. */
  servers: readonly ServerEntry[];
  encode(server: ServerEntry, id: number): Buffer;
  check(server: ServerEntry, request: Buffer, reply: Buffer): ReplyFault | null;
  signal: AbortSignal;
}

export interface ServerFault {
  server: string;
  fault: ReplyFault;
}

export type RoundResult =
  | { kind: 'reply'; server: ServerEntry; reply: Buffer }
  /** Some server replied, but only with replies that failed verification. */
  | { kind: 'unverified'; faults: ServerFault[] }
  /** No server replied at all; `skipped` were marked dead and not tried. */
  | { kind: 'no-answer'; tried: string[]; skipped: string[] }
  | { kind: 'closed' }
  | { kind: 'busy' };

export interface ClientContext {
  pool: UdpRequestPool;
  counters: DropCounters;
  deadTimeMs: number;
  logger: Logger;
  now(): number;
}

export function createServerEntry(config: RadiusServerConfig, now: number): ServerEntry {
  const key = `${config.host}:${config.authPort}`;
  return {
    config,
    key,
    health: {
      auth: createServerHealth(key, now),
      acct: createServerHealth(`${config.host}:${config.acctPort}`, now),
    },
  };
}

export async function sendRound(ctx: ClientContext, round: RoundRequest): Promise<RoundResult> {
  const faults: ServerFault[] = [];
  const tried: string[] = [];
  const skipped: string[] = [];
  for (const server of round.servers) {
    const health = server.health[round.purpose];
    const use = usability(health, ctx.now());
    if (use === 'skip') {
      skipped.push(health.key);
      continue;
    }
    if (use === 'probe') changeHealth(ctx, health, 'probe');
    const result = await tryServer(ctx, round, server);
    if (result.kind === 'closed' || result.kind === 'busy') {
      changeHealth(ctx, health, 'abandoned');
      return result;
    }
    tried.push(health.key);
    if (result.kind === 'reply') {
      changeHealth(ctx, health, 'answered');
      return { kind: 'reply', server, reply: result.reply };
    }
    changeHealth(ctx, health, result.faults.length > 0 ? 'answered' : 'silent');
    for (const fault of new Set(result.faults)) faults.push({ server: health.key, fault });
  }
  if (faults.length > 0) return { kind: 'unverified', faults };
  return { kind: 'no-answer', tried, skipped };
}

function changeHealth(ctx: ClientContext, health: ServerHealth, event: HealthEvent): void {
  applyHealthEvent(health, event, ctx.now(), ctx.deadTimeMs, ctx.logger);
}

async function tryServer(ctx: ClientContext, round: RoundRequest, server: ServerEntry) {
  const target = await resolveAddress(ctx, server);
  if (round.signal.aborted) return { kind: 'closed' as const };
  if (target === null) return { kind: 'timeout' as const, faults: [] };
  const { config } = server;
  return exchange(ctx.pool, ctx.counters, {
    ...target,
    port: round.purpose === 'auth' ? config.authPort : config.acctPort,
    timeoutMs: config.timeoutMs,
    attempts: config.retries + 1,
    encode: (id) => round.encode(server, id),
    check: (request, reply) => round.check(server, request, reply),
    signal: round.signal,
  });
}

/**
 * The server's address as replies will show it (the source check compares text). Resolved
 * once; a name that does not resolve counts as a server that does not answer.
 */
function resolveAddress(ctx: ClientContext, server: ServerEntry) {
  server.address ??= lookup(server.config.host).then(
    (found) => ({ address: found.address, family: found.family === 6 ? 6 : 4 }) as const,
    (error: unknown) => {
      ctx.logger.warn(
        { event: 'radius-server-unresolved', server: server.key, err: error },
        'RADIUS server host name does not resolve',
      );
      server.address = undefined;
      return null;
    },
  );
  return server.address;
}
