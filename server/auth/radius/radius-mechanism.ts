/**
 * RADIUS as an authentication mechanism (PAP over UDP) with optional RFC 2866 accounting.
 * CONFIG.md, "What the RADIUS keys mean", is the contract: an accept or reject is final; no
 * reply from any server is `no-answer` (the next mechanism may try); replies that all failed
 * verification are `unavailable`, with a log line naming the likely cause.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { RadiusAttribute } from 'radius';
import type { RadiusConfig } from '../../config/config-types.ts';
import type { SessionRecord } from '../../sessions/session-record.ts';
import type { EndCause, SessionHooks } from '../../sessions/session-hooks.ts';
import type { AuthAttempt, AuthMechanism, AuthOutcome } from '../mechanism.ts';
import { startAttributes, stopAttributes, terminateCause } from './accounting.ts';
import type { ExpiryKind } from './accounting.ts';
import { FaultLog } from './fault-log.ts';
import {
  CODE,
  MAX_PASSWORD_BYTES,
  MAX_STRING_BYTES,
  decodeReply,
  encodeAccessRequest,
  encodeAccountingRequest,
} from './packet-codec.ts';
import type { NasAttributes } from './packet-codec.ts';
import { isReadWrite, prepareReadWriteRule } from './privilege.ts';
import type { ReadWriteMatcher } from './privilege.ts';
import { RADIUS_DEFAULTS } from './radius-defaults.ts';
import { createServerEntry, sendRound } from './radius-client.ts';
import type { ClientContext, RoundResult, ServerEntry } from './radius-client.ts';
import { verifyReply } from './reply-verification.ts';
import type { ReplyFault } from './reply-verification.ts';
import type { ServerStatus } from './server-health.ts';
import { UdpRequestPool } from './udp-request-pool.ts';
import { validateRadiusConfig } from './validate-radius-config.ts';
import type { DropCounters } from './udp-request-pool.ts';

export interface RadiusMechanismOptions {
  /** @default pino({ level: 'silent' }) */
  logger?: Logger;
  /** Dictionary files to load, e.g. a vendor's for the readWrite rule. @default [] */
  dictionaries?: string[];
  /** @default RADIUS_DEFAULTS.deadTimeMs (30 s) */
  deadTimeMs?: number;
  /** @default RADIUS_DEFAULTS.maxSockets (16) */
  maxSockets?: number;
  /** @default RADIUS_DEFAULTS.maxQueued (4096) */
  maxQueued?: number;
  /** @default RADIUS_DEFAULTS.accountingDrainMs (2 s) */
  accountingDrainMs?: number;
}

export interface RadiusServerStats {
  server: string;
  auth: ServerStatus['kind'];
  acct: ServerStatus['kind'];
}

export interface RadiusStats {
  /** Datagrams dropped so far, by reason. */
  dropped: Readonly<DropCounters>;
  /** Requests holding an identifier now. */
  inFlight: number;
  sockets: number;
  servers: RadiusServerStats[];
}

export interface RadiusMechanism extends AuthMechanism, SessionHooks {
  readonly name: 'radius';
  /** `expiry` tells the two expiries apart; without it an expiry counts as Idle-Timeout. */
  onEnd(record: SessionRecord, cause: EndCause, expiry?: ExpiryKind): void;
  stats(): RadiusStats;
}

const ACCESS_REPLY_CODES: ReadonlySet<number> = new Set([
  CODE.accessAccept,
  CODE.accessReject,
  CODE.accessChallenge,
]);
const ACCOUNTING_REPLY_CODES: ReadonlySet<number> = new Set([CODE.accountingResponse]);

const CLOSED: AuthOutcome = { kind: 'unavailable', reason: 'RADIUS mechanism closed' };

/**
 * Creates the RADIUS mechanism. Throws RadiusConfigError (code RADIUS_CONFIG_INVALID) when
 * the configuration cannot work.
 *
 * @example
 * const radius = createRadiusMechanism(config.radius, { logger });
 * const hub = await startHub(config, { mechanisms: [radius, local], hooks: radius });
 */
export function createRadiusMechanism(
  config: RadiusConfig,
  options: RadiusMechanismOptions = {},
): RadiusMechanism {
  return new RadiusAuthMechanism(config, options);
}

class RadiusAuthMechanism implements RadiusMechanism {
  readonly name = 'radius';
  readonly #config: RadiusConfig;
  readonly #logger: Logger;
  readonly #servers: readonly ServerEntry[];
  readonly #matcher: ReadWriteMatcher;
  readonly #nas: NasAttributes;
  readonly #counters: DropCounters = { malformed: 0, spoofed: 0, unmatched: 0, unverified: 0 };
  readonly #pool: UdpRequestPool;
  readonly #ctx: ClientContext;
  readonly #faults: FaultLog;
  readonly #logins = new AbortController();
  readonly #accounting = new AbortController();
  readonly #pendingAccounting = new Set<Promise<void>>();
  readonly #drainMs: number;
  #closing: Promise<void> | null = null;

  constructor(config: RadiusConfig, options: RadiusMechanismOptions) {
    validateRadiusConfig(config);
    this.#config = config;
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#matcher = prepareReadWriteRule(config.readWrite, options.dictionaries ?? []);
    this.#nas = { nasIdentifier: config.nasIdentifier, nasIpAddress: config.nasIpAddress };
    this.#servers = config.servers.map((server) => createServerEntry(server, Date.now()));
    this.#drainMs = options.accountingDrainMs ?? RADIUS_DEFAULTS.accountingDrainMs;
    this.#pool = new UdpRequestPool({
      maxSockets: options.maxSockets ?? RADIUS_DEFAULTS.maxSockets,
      maxQueued: options.maxQueued ?? RADIUS_DEFAULTS.maxQueued,
      counters: this.#counters,
      logger: this.#logger,
    });
    this.#ctx = {
      pool: this.#pool,
      counters: this.#counters,
      deadTimeMs: options.deadTimeMs ?? RADIUS_DEFAULTS.deadTimeMs,
      logger: this.#logger,
      now: Date.now,
    };
    this.#faults = new FaultLog(this.#logger, Date.now);
    this.#warnLegacyServers();
  }

  async authenticate(attempt: AuthAttempt): Promise<AuthOutcome> {
    if (this.#closing !== null) return CLOSED;
    // Values RADIUS cannot carry cannot match any account: a reject, without asking.
    if (!fitsAttribute(attempt.username, MAX_STRING_BYTES)) return { kind: 'reject' };
    if (!fitsAttribute(attempt.password, MAX_PASSWORD_BYTES)) return { kind: 'reject' };
    const result = await sendRound(this.#ctx, {
      purpose: 'auth',
      servers: this.#servers,
      encode: (server, id) =>
        encodeAccessRequest(id, server.config.secret, { ...attempt, ...this.#nas }),
      check: (server, request, reply) => checkAccessReply(server, request, reply),
      signal: this.#logins.signal,
    });
    return this.#loginOutcome(attempt, result);
  }

  onStart(record: SessionRecord): void {
    this.#account(record, (now) => startAttributes(record, this.#nas, now));
  }

  onEnd(record: SessionRecord, cause: EndCause, expiry?: ExpiryKind): void {
    const terminate = terminateCause(cause, expiry);
    this.#account(record, (now) => stopAttributes(record, this.#nas, now, terminate));
  }

  stats(): RadiusStats {
    return {
      dropped: { ...this.#counters },
      inFlight: this.#pool.inFlight(),
      sockets: this.#pool.socketCount(),
      servers: this.#servers.map((s) => ({
        server: s.key,
        auth: s.health.auth.status.kind,
        acct: s.health.acct.status.kind,
      })),
    };
  }

  /** Logins in flight resolve at once; accounting in flight gets `accountingDrainMs`. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#logins.abort();
    if (this.#pendingAccounting.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#drainMs);
      });
      await Promise.race([Promise.allSettled([...this.#pendingAccounting]), deadline]);
      clearTimeout(timer);
    }
    this.#accounting.abort();
    await Promise.allSettled([...this.#pendingAccounting]);
    this.#pool.close();
  }

  #loginOutcome(attempt: AuthAttempt, result: RoundResult): AuthOutcome {
    switch (result.kind) {
      case 'reply':
        return this.#replyOutcome(attempt, result.server, result.reply);
      case 'unverified':
        for (const f of result.faults) this.#faults.report(f.server, f.fault);
        return { kind: 'unavailable', reason: describeFaults(result.faults) };
      case 'no-answer':
        return { kind: 'no-answer', reason: describeSilence(result.tried, result.skipped) };
      case 'busy':
        return { kind: 'unavailable', reason: 'too many RADIUS requests waiting', busy: true };
      case 'closed':
        return CLOSED;
    }
  }

  #replyOutcome(attempt: AuthAttempt, server: ServerEntry, reply: Buffer): AuthOutcome {
    // An Access-Challenge asks for a second factor this hub cannot collect: not an accept.
    if (reply[0] !== CODE.accessAccept) return { kind: 'reject' };
    const decoded = decodeReply(reply, server.config.secret);
    const readWrite = isReadWrite(decoded, this.#matcher);
    return { kind: 'accept', username: attempt.username, readWrite, serverKey: server.key };
  }

  #account(record: SessionRecord, build: (now: number) => RadiusAttribute[]): void {
    if (!this.#config.accounting || record.mechanism !== 'radius') return;
    if (this.#closing !== null) return;
    const attributes = build(Date.now());
    const status = String(attributes[0]?.[1]);
    const task = sendRound(this.#ctx, {
      purpose: 'acct',
      servers: this.#accountingOrder(record.authInfo),
      encode: (server, id) => encodeAccountingRequest(id, server.config.secret, attributes),
      check: (server, request, reply) => checkAccountingReply(server, request, reply),
      signal: this.#accounting.signal,
    }).then((result) => this.#logAccounting(record, status, result));
    this.#pendingAccounting.add(task);
    void task.finally(() => this.#pendingAccounting.delete(task));
  }

  /** CONFIG.md: accounting goes first to the server that authenticated the user. */
  #accountingOrder(serverKey: string | undefined): readonly ServerEntry[] {
    const first = this.#servers.find((s) => s.key === serverKey);
    if (first === undefined) return this.#servers;
    return [first, ...this.#servers.filter((s) => s !== first)];
  }

  #logAccounting(record: SessionRecord, status: string, result: RoundResult): void {
    const fields = { event: 'radius-accounting', sessionId: record.id, status };
    if (result.kind === 'reply') {
      this.#logger.debug({ ...fields, server: result.server.key }, 'accounting acknowledged');
      return;
    }
    if (result.kind === 'unverified') {
      for (const f of result.faults) this.#faults.report(f.server, f.fault);
    }
    this.#logger.warn(
      { ...fields, result: result.kind },
      'no RADIUS server acknowledged the accounting request',
    );
  }

  #warnLegacyServers(): void {
    for (const server of this.#servers) {
      if (server.config.requireMessageAuthenticator) continue;
      this.#logger.warn(
        { event: 'radius-message-authenticator-optional', server: server.key },
        'RADIUS replies from this server are accepted without a Message-Authenticator ' +
          '(requireMessageAuthenticator: false): this exposes logins to Blast-RADIUS forgery; ' +
          'use it only for a legacy server that cannot sign its replies',
      );
    }
  }
}

function fitsAttribute(value: string, maxBytes: number): boolean {
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes > 0 && bytes <= maxBytes;
}

function checkAccessReply(server: ServerEntry, request: Buffer, reply: Buffer): ReplyFault | null {
  const verified = verifyReply(request, reply, {
    secret: server.config.secret,
    expectedCodes: ACCESS_REPLY_CODES,
    requireMessageAuthenticator: server.config.requireMessageAuthenticator,
  });
  if (!verified.ok) return verified.fault;
  try {
    decodeReply(verified.packet, server.config.secret);
  } catch {
    return 'malformed';
  }
  return null;
}

/**
 * Accounting-Responses need no Message-Authenticator: Blast-RADIUS forges Access replies, and
 * FreeRADIUS 3.2.1 cannot sign accounting replies. One that is present is still verified.
 */
function checkAccountingReply(server: ServerEntry, request: Buffer, reply: Buffer) {
  const verified = verifyReply(request, reply, {
    secret: server.config.secret,
    expectedCodes: ACCOUNTING_REPLY_CODES,
    requireMessageAuthenticator: false,
  });
  return verified.ok ? null : verified.fault;
}

function describeFaults(faults: { server: string; fault: ReplyFault }[]): string {
  const list = faults.map((f) => `${f.server} (${f.fault})`).join(', ');
  return `RADIUS replies failed verification: ${list}`;
}

function describeSilence(tried: string[], skipped: string[]): string {
  const parts = [];
  if (tried.length > 0) parts.push(`no reply from ${tried.join(', ')}`);
  if (skipped.length > 0) parts.push(`skipped as not answering: ${skipped.join(', ')}`);
  return `no RADIUS server answered (${parts.join('; ')})`;
}
