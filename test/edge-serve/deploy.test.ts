// The deploy job's two scripts: bundle-cli (local registry → the Worker's assets directory) and
// smoke-check-cli (health + one forecast on a Worker's URL), run against a real Worker in workerd.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as bundleMain } from '../../edge-serve/deploy/bundle-cli.ts';
import { main as smokeMain } from '../../edge-serve/deploy/smoke-check-cli.ts';
import { type LocalWorker, startLocalWorker } from '../../edge-serve/local/local-worker.ts';
import { publishLocally, trainExample } from './model-fixture.ts';

const NAME = 'ozone-forest';
let root: string;
let worker: LocalWorker;

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, push: [(l: string) => out.push(l), (l: string) => err.push(l)] as const };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'freshet-deploy-'));
  const versions = [1, 2].map((version) =>
    trainExample({ name: NAME, version, hours: 24 * 30, trees: 4, seed: version }),
  );
  await publishLocally(join(root, 'state', 'registry'), versions, { [NAME]: { production: 2 } });
});
afterAll(async () => {
  await worker?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('bundle-cli', () => {
  it('bundles the promoted versions into the assets directory and says what it bundled', async () => {
    const { out, err, push } = collect();
    const bundle = join(root, 'bundle');
    const code = await bundleMain(['--state-dir', join(root, 'state'), '--out', bundle], ...push);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(JSON.parse(out[0] ?? '')).toMatchObject({
      out: bundle,
      versions: [`${NAME}/2`],
      aliases: { [NAME]: { production: 2 } },
    });
    const index = JSON.parse(await readFile(join(bundle, '_bundle/index.json'), 'utf8'));
    expect(Object.keys(index.models[NAME].versions)).toEqual(['2']);
    worker = await startLocalWorker({ assetsDir: bundle });
  });

  it('exits 2 with the problem when nothing is promoted', async () => {
    const { err, push } = collect();
    const empty = join(root, 'empty');
    expect(await bundleMain(['--state-dir', empty, '--out', join(root, 'x')], ...push)).toBe(2);
    expect(err).toEqual([
      `${join(empty, 'registry', 'aliases.json')} does not exist: no model has been promoted`,
    ]);
  });
});

describe('smoke-check-cli', () => {
  it('passes on a healthy Worker: health, then a forecast, summarised for the job', async () => {
    const { out, err, push } = collect();
    const summary = join(root, 'summary.md');
    await writeFile(summary, '');
    const env = { GITHUB_STEP_SUMMARY: summary };
    const code = await smokeMain(['--url', worker.url.href], env, ...push);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const report = JSON.parse(out[0] ?? '');
    expect(report).toMatchObject({ url: worker.url.href, model: NAME, version: 2 });
    expect(report.forecast).toHaveLength(3);
    const markdown = await readFile(summary, 'utf8');
    expect(markdown).toContain(
      `Deployed and checked: ${worker.url.href} (default model \`${NAME}\` version 2).`,
    );
    expect(markdown.match(/^\| \d{4}-\d\d-\d\dT\d\d:00:00Z \| -?\d+\.\d\d \|$/gm)).toHaveLength(3);
  });

  it('fails (exit 1) when nothing answers, after its attempts', async () => {
    // A port that was free a moment ago: connections are refused.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const { err, push } = collect();
    const code = await smokeMain(
      ['--url', `http://127.0.0.1:${port}`, '--attempts', '1'],
      {},
      ...push,
    );
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^the deployed Worker failed its check: health: no answer/);
  });

  it('fails (exit 1) when the forecast is refused, saying what the Worker answered', async () => {
    const versions = [trainExample({ name: NAME, version: 1, hours: 24 * 30, trees: 2 })];
    const state = join(root, 'broken');
    await publishLocally(join(state, 'registry'), versions, { [NAME]: { production: 1 } });
    const bundle = join(root, 'broken-bundle');
    expect(
      await bundleMain(
        ['--state-dir', state, '--out', bundle],
        () => {},
        () => {},
      ),
    ).toBe(0);
    await writeFile(join(bundle, '_bundle/models/ozone-forest/1/forest.bin'), 'not the forest');
    const broken = await startLocalWorker({ assetsDir: bundle });
    try {
      const { err, push } = collect();
      expect(await smokeMain(['--url', broken.url.href], {}, ...push)).toBe(1);
      expect(err[0]).toMatch(
        /^the deployed Worker failed its check: models\/ozone-forest\/forecast: 503 .*does not match the deployment's record/,
      );
    } finally {
      await broken.dispose();
    }
  });

  it('exits 2 without a URL', async () => {
    const { err, push } = collect();
    expect(await smokeMain([], {}, ...push)).toBe(2);
    expect(err[0]).toMatch(/--url must be the Worker's http\(s\) URL/);
  });
});
