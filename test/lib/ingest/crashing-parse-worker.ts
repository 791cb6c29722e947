// The real parse worker, except that it dies (process.exit in a worker ends its thread) on an
// object whose key contains "crash": what parse-pool.test.ts makes of a worker crash.
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (request: { type: string; object?: { key: string } }) => {
  if (request.type === 'start' && request.object?.key.includes('crash')) process.exit(7);
});
await import('../../../actions/lib/ingest/parse-worker.ts');
