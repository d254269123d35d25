/**
 * The dashboard's entry point: connects to the hub that served the page (same origin, path
 * /ws) with reconnect on, and starts the app.
 */
import { HubClient } from '../index.ts';
import { DashboardApp, hubUrl } from './dashboard-app.ts';

const client = new HubClient({ url: hubUrl(window.location), reconnect: true });
new DashboardApp(client).start();
