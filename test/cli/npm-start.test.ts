// `npm start` end to end, as a user meets it: in a copy of the repository (its files as they are in
// this working tree, node_modules linked), with nothing configured, `npm start -- --exit --days 2`
// runs the whole life-cycle on the embedded PostgreSQL and a local S3 API server, and stops.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRepository, type Ran, removeCopy, run } from '../support/npm-start.ts';

describe('npm start', () => {
  let copy: string;
  let started: Ran;
  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'freshet-npm-start-'));
    await copyRepository(copy);
    started = await run('npm', ['start', '--', '--exit', '--days', '2'], copy, 300_000);
  }, 320_000);
  afterAll(async () => {
    await removeCopy(copy);
  });

  it('runs the whole life-cycle and exits with --exit', () => {
    expect(started.code, started.stderr).toBe(0);
  });

  it('prints the timing table: one row per day, each starting with its plain ASCII date', () => {
    const lines = started.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('day '));
    expect(header?.split(/\s{2,}/)).toEqual([
      'day',
      'download',
      'load',
      'selection',
      'training',
      'publication',
      'records',
      'db rows',
      'train rows',
      'rmse',
      'skill',
      'version',
    ]);
    const rows = lines.filter((l) => /^\d{4}-\d\d-\d\d /.test(l));
    expect(rows.map((r) => r.slice(0, 10))).toEqual(['2014-01-01', '2014-01-02']);
    // Every cell filled: each day trained and published a version (the first is production).
    expect(rows[0]?.split(/\s+/)).toHaveLength(12);
    expect(rows[0]).toMatch(/\sv1\*$/);
    expect(rows[1]).toMatch(/\sv2\*?$/);
    expect(started.stdout).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('leaves exactly two versions in the local registry, the first in production', async () => {
    const registry = join(copy, '.freshet', 'registry');
    const versions = (await readdir(join(registry, 'ozone-forest'))).sort();
    expect(versions).toEqual(['1', '2']);
    const aliases = JSON.parse(await readFile(join(registry, 'aliases.json'), 'utf8'));
    expect([1, 2]).toContain(aliases['ozone-forest'].production);
  });

  it('builds the site with both versions and the evaluation on its data page', async () => {
    const site = join(copy, '.freshet', 'site');
    for (const version of ['v1', 'v2']) {
      expect(existsSync(join(site, 'models', 'ozone-forest', version, 'index.html'))).toBe(true);
    }
    const data = await readFile(join(site, 'data', 'index.html'), 'utf8');
    expect(data).toContain('id="evaluation-selection"');
    expect(data).toContain('id="evaluation-tasks"');
    expect(data).toContain('2014-01-02');
  });

  it('gets a forecast and a scoring from the Worker, and prints the URLs and a curl line', () => {
    expect(started.stdout).toMatch(
      /POST \/models\/ozone-forest\/forecast: 2014-01-0[23]T\d\d:00:00Z \d+\.\d ppb/,
    );
    expect(started.stdout).toMatch(/POST \/invocations: 200 \{"predictions":\[-?\d/);
    expect(started.stdout).toMatch(/^site: +http:\/\/127\.0\.0\.1:\d+\//m);
    expect(started.stdout).toMatch(/^worker: +http:\/\/127\.0\.0\.1:\d+\//m);
    expect(started.stdout).toMatch(
      /curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/models\/ozone-forest\/forecast .*-d @\.freshet\/forecast-request\.json/,
    );
  });

  it('explains its options with --help', async () => {
    const help = await run('npm', ['start', '--', '--help'], copy, 60_000);
    expect(help.code).toBe(0);
    for (const flag of [
      '--days N',
      '--start DAY',
      '--stations N',
      '--source URL',
      '--layout L',
      '--locations IDS',
      '--exit',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});
