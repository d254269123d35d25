#!/usr/bin/env node
// The session-hub command. Runs the TypeScript sources through tsx, so a checkout needs no
// build step before `npx session-hub`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
