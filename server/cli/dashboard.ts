/** Loads the dashboard's static files for the hub to serve; the hub runs without them if not. */
import type { Logger } from 'pino';
import type { StaticAsset } from '../http/http-routes.ts';

export async function loadDashboard(log: Logger): Promise<Map<string, StaticAsset>> {
  try {
    const { loadDashboardAssets } = await import('../http/dashboard-assets.ts');
    return await loadDashboardAssets();
  } catch (error) {
    log.warn({ err: error }, 'dashboard unavailable; serving the WebSocket API only');
    return new Map();
  }
}
