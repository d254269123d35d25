// Worker threads on Node 20 do not inherit the parent's module hooks, so each registers tsx
// itself before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./load-worker.ts');
