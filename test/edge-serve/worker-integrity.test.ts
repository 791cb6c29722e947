// The Worker refuses what does not match its deployment's record: a forest whose bytes differ from
// the sha256 in index.json is a 503 with a message (and stays refused), while the other versions
// are served; a bundle without an index answers 503 on every model route.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalWorker, startLocalWorker } from '../../edge-serve/local/local-worker.ts';
import { bundleOf, trainExample } from './model-fixture.ts';

const NAME = 'ozone-forest';
const ROW = [30, 31, 32, 33, 30, 25, 20, 0.5, 0.87, 0.1, 0.99];
const workers: LocalWorker[] = [];
/** The bundles' temporary folders. */
const temporaries: string[] = [];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.dispose()));
  await Promise.all(temporaries.map((t) => rm(t, { recursive: true, force: true })));
});

async function post(worker: LocalWorker, path: string) {
  const response = await fetch(new URL(path, worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ instances: [ROW] }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a forest that does not match its sha256', () => {
  let worker: LocalWorker;
  beforeAll(async () => {
    const versions = [1, 2].map((version) =>
      trainExample({ name: NAME, version, hours: 24 * 30, trees: 5, seed: version }),
    );
    const { root, bundle } = await bundleOf(versions, { [NAME]: { production: 1, staging: 2 } });
    temporaries.push(root);
    const forest = join(bundle, '_bundle/models/ozone-forest/2/forest.bin');
    const bytes = await readFile(forest);
    // One bit of the file's last byte (a test's feature): the sha256 is checked before the bytes
    // are read.
    const last = bytes.length - 1;
    bytes[last] = (bytes[last] ?? 0) ^ 1;
    await writeFile(forest, bytes);
    worker = await startLocalWorker({ assetsDir: bundle });
    workers.push(worker);
  });

  it('is refused with a 503 that says why, on every request', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { status, body } = await post(worker, `/models/${NAME}@staging/invocations`);
      expect(status).toBe(503);
      expect(body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(body.message).toMatch(
        /^model ozone-forest version 2: its forest file does not match the deployment's record \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\); refusing to serve it$/,
      );
    }
  });

  it('leaves the versions that match served', async () => {
    const { status, body } = await post(worker, '/invocations');
    expect(status).toBe(200);
    expect(body.predictions).toHaveLength(1);
  });
});

describe('a bundle without its index', () => {
  it('answers 503 on model routes and /health, 200 on /ping', async () => {
    const versions = [trainExample({ name: NAME, version: 1, hours: 24 * 30, trees: 3 })];
    const { root, bundle } = await bundleOf(versions, { [NAME]: { production: 1 } });
    temporaries.push(root);
    await rm(join(bundle, '_bundle/index.json'));
    const worker = await startLocalWorker({ assetsDir: bundle });
    workers.push(worker);
    expect((await fetch(new URL('/ping', worker.url))).status).toBe(200);
    const health = await fetch(new URL('/health', worker.url));
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      error_code: 'TEMPORARILY_UNAVAILABLE',
      message: 'the deployment has no model index (/_bundle/index.json: 404)',
    });
    expect((await post(worker, '/invocations')).status).toBe(503);
  });
});
