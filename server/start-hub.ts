/**
 * Wires a hub from its configuration: mechanisms, session store and event bus, the in-process
 * API, the hub and its transport. The `serve` command and embedding applications call this.
 *
 * @example
 * const hub = await startHub({ ...defaultConfig(), port: 0 });
 * console.log(hub.url); // ws://127.0.0.1:PORT/ws
 * await hub.close();
 */
import pino, { type Logger } from 'pino';
import { HubApi } from './api/hub-api.ts';
import { Authenticator } from './auth/authenticator.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { LoginGate } from './auth/login-gate.ts';
import type { AuthMechanism } from './auth/mechanism.ts';
import { LocalMechanism } from './auth/local/local-mechanism.ts';
import { PasswordHasher } from './auth/local/password-hasher.ts';
import type { HubConfig } from './config/config-types.ts';
import { MemoryEventBus } from './events/memory-event-bus.ts';
import type { EventBus } from './events/session-events.ts';
import { Hub } from './hub/hub.ts';
import { HttpRoutes, type HealthReport, type StaticAsset } from './http/http-routes.ts';
import { OriginPolicy } from './http/origin-policy.ts';
import { MemorySessionStore } from './sessions/memory-session-store.ts';
import type { SessionHooks } from './sessions/session-hooks.ts';
import { SessionManager } from './sessions/session-manager.ts';
import type { SessionStore } from './sessions/session-store.ts';
import type { RunningTransport, TransportOptions } from './transport/transport.ts';
import { VERSION } from './version.ts';

export interface StartHubOptions {
  logger?: Logger;
  /** Replaces the mechanisms the configuration names (tests, embedding). */
  mechanisms?: AuthMechanism[];
  store?: SessionStore;
  bus?: EventBus;
  hooks?: SessionHooks[];
  /** Static files served over HTTP (the dashboard), by URL path. */
  assets?: ReadonlyMap<string, StaticAsset>;
  /** Extra components closed with the hub (e.g. Redis connections made by the caller). */
  ownedResources?: Array<{ close(): Promise<void> }>;
}

export interface HubStats {
  connections: number;
  /** Requests not yet finished, those of closed connections included. */
  pendingRequests: number;
  /** Password hashes running or queued. */
  pendingHashes: number;
  subscribers: number;
}

export interface RunningHub {
  /** ws:// or wss:// URL of the WebSocket endpoint. */
  readonly url: string;
  readonly port: number;
  readonly transport: 'uws' | 'ws';
  readonly api: HubApi;
  readonly hub: Hub;
  readonly sessions: SessionManager;
  health(): HealthReport;
  /** Live counters, for tests and operators. */
  stats(): HubStats;
  /** Stops accepting, closes connections (1001), ends the manager, releases everything. */
  close(): Promise<void>;
}

export async function startHub(
  config: HubConfig,
  options: StartHubOptions = {},
): Promise<RunningHub> {
  const log = options.logger ?? pino({ level: 'silent' });
  const hasher = new PasswordHasher({
    maxConcurrent: config.limits.maxConcurrentHashes,
    maxQueued: config.limits.maxQueuedLogins,
  });
  const mechanisms = options.mechanisms ?? (await configuredMechanisms(config, hasher, log));
  const throttle = new LoginThrottle({
    failuresBeforeThrottle: config.limits.loginFailuresBeforeThrottle,
    windowMs: config.limits.throttleWindowMs,
  });
  const { maxQueuedLogins } = config.limits;
  const gates = {
    user: new LoginGate((name) => throttle.userAllowance(name), maxQueuedLogins),
    address: new LoginGate((addr) => throttle.addressAllowance(addr), maxQueuedLogins),
  };
  const auth = new Authenticator({
    mechanisms,
    throttle,
    gates,
    logger: log.child({ area: 'auth' }),
  });
  const store = options.store ?? new MemorySessionStore();
  const bus = options.bus ?? new MemoryEventBus();
  const sessions = new SessionManager({
    store,
    bus,
    expiry: { idleTimeoutMs: config.sessions.idleTimeoutMs, maxAgeMs: config.sessions.maxAgeMs },
    hooks: options.hooks ?? hooksOf(mechanisms),
    logger: log.child({ area: 'sessions' }),
  });
  const api = new HubApi(auth, sessions);
  const hub = new Hub({
    api,
    sessions,
    mechanisms: mechanisms.map((m) => m.name),
    version: VERSION,
    maxInFlightPerConnection: config.limits.maxInFlightPerConnection,
    logger: log.child({ area: 'hub' }),
  });
  let listening = false;
  const health = (): HealthReport => {
    const storeUp = store.healthy();
    const eventsUp = bus.status() === 'ready';
    const ok = listening && storeUp && eventsUp;
    return { ok, listening, store: storeUp ? 'up' : 'down', events: eventsUp ? 'up' : 'down' };
  };
  const transport = await startTransport(config, {
    hub,
    routes: new HttpRoutes(health, options.assets),
    origins: new OriginPolicy(config.allowedOrigins, config.tls !== null),
    host: config.host,
    port: config.port,
    tls: config.tls,
    maxPayloadBytes: config.limits.maxPayloadBytes,
    maxConnections: config.limits.maxConnections,
    idleTimeoutSec: 120,
    maxBackpressureBytes: 1024 * 1024,
  });
  listening = true;
  const scheme = config.tls ? 'wss' : 'ws';
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  log.info(
    {
      transport: transport.name,
      host: config.host,
      port: transport.port,
      mechanisms: config.mechanisms,
    },
    'hub listening',
  );
  let closing: Promise<void> | null = null;
  return {
    url: `${scheme}://${host}:${transport.port}/ws`,
    port: transport.port,
    transport: transport.name,
    api,
    hub,
    sessions,
    health,
    stats: () => ({
      connections: hub.connectionCount,
      pendingRequests: hub.pendingRequests,
      pendingHashes: hasher.pending,
      subscribers: hub.subscriberCount,
    }),
    close() {
      closing ??= (async () => {
        listening = false;
        hub.close();
        await transport.close();
        await sessions.close();
        await auth.close();
        await Promise.all([bus.close(), store.close()]);
        await Promise.all((options.ownedResources ?? []).map((r) => r.close()));
        log.info('hub stopped');
      })();
      return closing;
    },
  };
}

async function configuredMechanisms(
  config: HubConfig,
  hasher: PasswordHasher,
  log: Logger,
): Promise<AuthMechanism[]> {
  const built: AuthMechanism[] = [];
  for (const name of config.mechanisms) {
    if (name === 'local') {
      const local = new LocalMechanism({
        usersFile: config.usersFile,
        hasher,
        logger: log.child({ area: 'local' }),
      });
      await local.load();
      built.push(local);
    } else {
      const { createRadiusMechanism } = await import('./auth/radius/index.ts');
      built.push(createRadiusMechanism(config.radius!, { logger: log.child({ area: 'radius' }) }));
    }
  }
  return built;
}

/** Mechanisms that follow sessions (RADIUS accounting) offer the hooks themselves. */
function hooksOf(mechanisms: AuthMechanism[]): SessionHooks[] {
  return mechanisms.filter(
    (m): m is AuthMechanism & SessionHooks => 'onStart' in m && 'onEnd' in m,
  );
}

async function startTransport(
  config: HubConfig,
  options: TransportOptions,
): Promise<RunningTransport> {
  // Imported on demand so that the ws transport works where the uWS binary cannot load.
  if (config.transport === 'ws')
    return (await import('./transport/ws-transport.ts')).startWsTransport(options);
  return (await import('./transport/uws-transport.ts')).startUwsTransport(options);
}
