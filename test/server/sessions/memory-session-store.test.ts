import { MemorySessionStore } from '../../../server/sessions/memory-session-store.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('MemorySessionStore', async () => {
  const store = new MemorySessionStore();
  return { store, peer: store, cleanup: () => store.close() };
});
