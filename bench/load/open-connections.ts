/** Opens a worker's connections with bounded concurrency and runs each one's setup requests. */
import { BenchConnection, RequestFailedError } from './bench-connection.ts';
import type { ConnectionPlan } from './load-job.ts';
import type { WorkerContext } from './worker-context.ts';

const HANDSHAKE_TIMEOUT_MS = 10_000;

function fillCookie(step: Record<string, unknown>, cookie: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) out[key] = value === '$cookie' ? cookie : value;
  return out;
}

async function openOne(
  plan: ConnectionPlan,
  index: number,
  context: WorkerContext,
): Promise<BenchConnection | null> {
  const global = plan.indexOffset + index;
  const localAddress = plan.sourceAddresses[global % plan.sourceAddresses.length] ?? '127.0.0.1';
  let connection: BenchConnection;
  try {
    connection = await BenchConnection.open({
      url: plan.url,
      localAddress,
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
    });
  } catch (error) {
    context.counters.failedConnects++;
    context.countError(`connect:${(error as { code?: string }).code ?? 'failed'}`);
    return null;
  }
  context.counters.opened++;
  const cookie = plan.cookies.length > 0 ? plan.cookies[global % plan.cookies.length]! : '';
  try {
    for (const step of plan.setup) await connection.request(fillCookie(step, cookie));
  } catch (error) {
    const code = error instanceof RequestFailedError ? error.code : 'closed';
    context.countError(`setup:${code}`);
    connection.close();
    return null;
  }
  context.counters.ready++;
  return connection;
}

/** Opens every connection of the plan; the ones that failed are counted and left out. */
export async function openConnections(
  plan: ConnectionPlan,
  context: WorkerContext,
): Promise<BenchConnection[]> {
  const opened: BenchConnection[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < plan.connections) {
      const connection = await openOne(plan, next++, context);
      if (connection) opened.push(connection);
    }
  };
  const lanes = Math.max(1, Math.min(plan.openConcurrency, plan.connections));
  await Promise.all(Array.from({ length: lanes }, lane));
  return opened;
}
