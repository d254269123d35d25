/** Sessions the scenarios need before they start: logins are slow by design, so few of them. */
import type { BenchUser } from '../servers/hub-process.ts';
import { BenchConnection } from './bench-connection.ts';
import { assertLoopbackUrl } from './loopback.ts';

/** Authenticates `count` times and starts a session each time; returns the cookies. */
export async function createCookies(
  url: string,
  user: BenchUser,
  count: number,
): Promise<string[]> {
  assertLoopbackUrl(url);
  const connections = await Promise.all(
    Array.from({ length: count }, () =>
      BenchConnection.open({ url, localAddress: '127.0.0.1', timeoutMs: 10_000 }),
    ),
  );
  try {
    return await Promise.all(
      connections.map(async (connection) => {
        await connection.request({
          op: 'authenticate',
          username: user.username,
          password: user.password,
        });
        const reply = await connection.request({ op: 'session.start' });
        return String(reply.get('cookie'));
      }),
    );
  } finally {
    // Closing a connection leaves its session alive: sessions end only by request or expiry.
    for (const connection of connections) connection.close();
  }
}
