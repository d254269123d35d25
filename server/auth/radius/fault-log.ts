/**
 * Log lines for replies that failed verification, naming the likely cause and the fix. At
 * most one line per server and cause per interval, so a flood of bad replies (or of logins
 * against a misconfigured server) cannot flood the log.
 */
import type { Logger } from 'pino';
import type { ReplyFault } from './reply-verification.ts';

const REPEAT_INTERVAL_MS = 60_000;

const EXPLANATIONS: Readonly<Record<Exclude<ReplyFault, 'malformed'>, string>> = {
  'wrong-authenticator':
    'RADIUS replies fail the Response Authenticator check: the shared secret configured for ' +
    'this server differs from the one the server has for this hub, or the replies are forged',
  'missing-message-authenticator':
    'RADIUS replies carry no Message-Authenticator, which this hub requires (Blast-RADIUS, ' +
    '2024). Make the server sign its replies (FreeRADIUS 3.2.1 and older: `update reply { ' +
    '&Message-Authenticator := 0x00 }` in post-auth and in Post-Auth-Type REJECT), or, for a ' +
    'legacy server only, set requireMessageAuthenticator: false for it',
  'bad-message-authenticator':
    'RADIUS replies carry a Message-Authenticator that does not verify: the shared secret is ' +
    'wrong or the replies are forged',
  'unexpected-code': 'RADIUS replies carry a packet code that does not answer the request',
};

export class FaultLog {
  readonly #lastLogged = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  report(server: string, fault: ReplyFault): void {
    if (fault === 'malformed') return;
    const key = `${server} ${fault}`;
    const now = this.now();
    const last = this.#lastLogged.get(key);
    if (last !== undefined && now - last < REPEAT_INTERVAL_MS) return;
    this.#lastLogged.set(key, now);
    this.logger.warn(
      { event: 'radius-reply-unverified', server, cause: fault },
      EXPLANATIONS[fault],
    );
  }
}
