// Loaded with --import into a server under test, so that the harness can ask it for a full
// garbage collection and a CPU profile of a chosen window over the IPC channel, without any
// change to the server itself. Plain JavaScript: it must load before any TypeScript loader.
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';

let session = null;

function post(method, params = {}) {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

// argon2.verify in a loop with `lanes` in flight: the raw rate of this very process. Only the
// verifies that finish after the warm-up and before the end count, as the load generator counts
// logins; the process's CPU time over that window (argon2's threads included) comes with it.
async function argon2Rate({ hash, password, warmupMs, durationMs, lanes }) {
  const { default: argon2 } = await import('argon2');
  const start = performance.now();
  const from = start + warmupMs;
  const to = from + durationMs;
  let verifies = 0;
  let cpuFrom = null;
  const markFrom = setTimeout(() => (cpuFrom = process.cpuUsage()), warmupMs);
  let cpuTo = null;
  const markTo = setTimeout(() => (cpuTo = process.cpuUsage()), warmupMs + durationMs);
  const lane = async () => {
    while (performance.now() < to) {
      if (!(await argon2.verify(hash, password))) throw new Error('argon2-rate: wrong password');
      const now = performance.now();
      if (now >= from && now <= to) verifies++;
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    clearTimeout(markFrom);
    clearTimeout(markTo);
  }
  const a = cpuFrom ?? { user: 0, system: 0 };
  const b = cpuTo ?? process.cpuUsage();
  const cpuSeconds = (b.user - a.user + b.system - a.system) / 1e6;
  return { verifies, windowMs: durationMs, cpuSeconds };
}

const commands = {
  'argon2-rate': argon2Rate,
  async gc() {
    if (typeof globalThis.gc !== 'function') throw new Error('start the server with --expose-gc');
    globalThis.gc();
    globalThis.gc();
    return { memory: process.memoryUsage() };
  },
  async 'profile-start'() {
    session = new inspector.Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    return {};
  },
  async 'profile-stop'(message) {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    session = null;
    writeFileSync(message.path, JSON.stringify(profile));
    return { path: message.path };
  },
};

if (process.send) {
  process.on('message', (message) => {
    const command = commands[message?.cmd];
    if (!command) return;
    command(message).then(
      (result) => process.send({ reply: message.cmd, ok: true, ...result }),
      (error) => process.send({ reply: message.cmd, ok: false, error: String(error) }),
    );
  });
  // The channel must not keep the server alive once it closes its listeners.
  process.channel?.unref();
}
