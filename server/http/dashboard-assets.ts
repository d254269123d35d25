/**
 * The dashboard's static files, built in memory from client/dashboard/ with esbuild when the
 * hub starts (a fresh clone needs no build step: `npm ci` then `npm start` serves it). The
 * build takes well under a second and runs once per process however many hubs it starts.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type OutputFile, type Plugin } from 'esbuild';

/** One file as the HTTP layer serves it. */
export interface DashboardAsset {
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../client/dashboard');

// The page must always be revalidated so that it names the current bundles; the bundles carry
// a content hash in their names, so a browser may keep them for good.
const PAGE_CACHE = 'no-cache';
const BUNDLE_CACHE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
});

/** Swaps the client's Node WebSocket default (`ws`) for the browser's own. */
const browserWebSocket: Plugin = {
  name: 'browser-websocket',
  setup(builder) {
    builder.onResolve({ filter: /[\\/]default-websocket\.ts$/ }, (args) => ({
      path: join(args.resolveDir, 'default-websocket.browser.ts'),
    }));
  },
};

let cached: Promise<Map<string, DashboardAsset>> | null = null;

/**
 * Builds the dashboard and returns its files keyed by URL path: `/` (the page) and the hashed
 * bundles it links, such as `/app-2KQF7T3Z.js` and `/style-LM4XQ0DA.css`. The result is shared
 * by every caller in the process; a failed build is not cached, so a later call retries.
 *
 * @example
 * const assets = await loadDashboardAssets();
 * const page = assets.get('/'); // { body, contentType: 'text/html; charset=utf-8', ... }
 */
export function loadDashboardAssets(): Promise<Map<string, DashboardAsset>> {
  cached ??= buildAssets().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}

async function buildAssets(): Promise<Map<string, DashboardAsset>> {
  const [outputs, template] = await Promise.all([
    bundle(),
    readFile(join(DASHBOARD_DIR, 'index.html'), 'utf8'),
  ]);
  const assets = new Map<string, DashboardAsset>();
  let page = template;
  for (const output of outputs) {
    const name = basename(output.path);
    const extension = name.slice(name.lastIndexOf('.'));
    const contentType = CONTENT_TYPES[extension];
    if (contentType === undefined) continue;
    const entry = extension === '.js' ? 'app.js' : 'app.css';
    page = page.replace(`{{${entry}}}`, `/${name}`);
    assets.set(`/${name}`, { body: output.contents, contentType, cacheControl: BUNDLE_CACHE });
  }
  if (page.includes('{{')) throw new Error('the dashboard build did not produce every bundle');
  const body = new TextEncoder().encode(page);
  assets.set('/', { body, contentType: 'text/html; charset=utf-8', cacheControl: PAGE_CACHE });
  return assets;
}

async function bundle(): Promise<OutputFile[]> {
  const result = await build({
    entryPoints: {
      app: join(DASHBOARD_DIR, 'main.ts'),
      style: join(DASHBOARD_DIR, 'app.css'),
    },
    outdir: join(DASHBOARD_DIR, 'dist'),
    entryNames: '[name]-[hash]',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [browserWebSocket],
  });
  return result.outputFiles;
}
