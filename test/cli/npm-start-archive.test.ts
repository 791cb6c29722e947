// Issue 13: `npm start` on OpenAQ's archive layout, end to end, as a user meets it — in a copy of the
// repository, `npm start -- --exit --days 1 --layout archive --stations 3` seeds the local S3 API
// server with generated archive objects (location-days, no fetch at all), ingests the warm-up and
// the day as archive days, and publishes one version trained on that data; and
// `npm start -- --source file://MIRROR --locations 2,3` reads a folder mirror of the archive instead
// (its layout told from its folders). Small on purpose: the life-cycle itself is npm-start.test.ts's.
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundHalfAwayFromZero4 } from '../../actions/lib/openaq/station-key.ts';
import { archiveObjects } from '../../actions/lib/synthetic/index.ts';
import { createTestDatabase } from '../support/database.ts';
import { copyRepository, type Ran, removeCopy, run } from '../support/npm-start.ts';

const DAY_MS = 86_400_000;
/** The warm-up week and the day, as the demo generates them. */
const SPEC = { start: Date.UTC(2013, 11, 25), days: 8, stations: 3, seed: 1 };

let copy: string;
beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'freshet-npm-start-archive-'));
  await copyRepository(copy);
});
afterAll(async () => {
  await removeCopy(copy);
});

describe('npm start --layout archive', () => {
  let started: Ran;
  beforeAll(async () => {
    started = await run(
      'npm',
      ['start', '--', '--exit', '--days', '1', '--layout', 'archive', '--stations', '3'],
      copy,
      300_000,
    );
  }, 320_000);

  it('serves generated archive objects, and nothing else, and runs to the end', () => {
    expect(started.code, started.stderr).toBe(0);
    // The warm-up week and the day: 8 location-days of each of the 3 locations.
    expect(started.stderr).toContain('with 24 generated archive objects (3 locations, a day each)');
    expect(started.stderr).toContain('layout: archive (--layout archive)');
    expect(started.stderr).not.toContain('generated fetches');
  });

  it('publishes one version trained on a generated location, as production', async () => {
    const row = started.stdout.split('\n').find((l) => l.startsWith('2014-01-01 '));
    expect(row).toMatch(/\sv1\*$/);
    const registry = join(copy, '.freshet', 'registry', 'ozone-forest');
    expect(await readdir(registry)).toEqual(['1']);
    const manifest = JSON.parse(await readFile(join(registry, '1', 'manifest.json'), 'utf8'));
    expect(manifest.data).toMatchObject({ variable: 'o3', start: '2013-12-25T00:00:00.000Z' });
    expect(manifest.data.rows).toBeGreaterThan(100);
    // The station trained on is one of the generated archive's locations, keyed as the rules key it.
    const places = new Set(
      [...archiveObjects(SPEC)].map((object) => {
        const [lat = '', lon = ''] = (object.text.split('\n')[1] ?? '').split(',').slice(-5, -3);
        const key = (x: string) => roundHalfAwayFromZero4(Number(x));
        return `${key(lat)},${key(lon)}`;
      }),
    );
    expect(places).toContain(manifest.data.station);
  });

  it('leaves every day of the range ingested as an archive day (its own watermark)', async () => {
    const plan = await run(
      'npm',
      [
        'run',
        '--silent',
        'freshet',
        '--',
        'plan',
        '--layout',
        'archive',
        '--since',
        new Date(Date.UTC(2014, 0, 1) - 7 * DAY_MS).toISOString(),
        '--until',
        '2014-01-02T00:00:00Z',
        '--chunk',
        '1d',
        '--now',
        '2014-02-01T00:00:00Z',
      ],
      copy,
      60_000,
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.trim().split('\n').at(-1)).toBe('{"include":[]}');
  });
});

describe('npm start --source URL --locations IDS (a folder mirror of the archive)', () => {
  let started: Ran;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    const mirror = join(copy, 'mirror');
    for (const object of archiveObjects(SPEC)) {
      await mkdir(dirname(join(mirror, object.key)), { recursive: true });
      await writeFile(join(mirror, object.key), gzipSync(object.text));
    }
    // A database of the test server: no embedded one to start for this run.
    database = await createTestDatabase('npm_start_archive');
    const source = pathToFileURL(mirror).href;
    started = await run(
      'npm',
      ['start', '--', '--exit', '--days', '1', '--source', source, '--locations', '2,3'],
      copy,
      300_000,
      { DATABASE_URL: database.url },
    );
  }, 320_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('tells the archive from its folders and publishes a version from the locations given', async () => {
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toContain('layout: archive (locationid= folders at the root)');
    expect(started.stderr).toMatch(/reading the archive's location-days from file:\/\/.*\/mirror/);
    expect(started.stdout.split('\n').find((l) => l.startsWith('2014-01-01 '))).toMatch(/\sv1\*$/);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // Only the archive's series, and only of locations 2 and 3 (sensor ids 2xx and 3xx).
      const { rows } = await client.query<{ origin: string; label: string }>(
        'SELECT DISTINCT data_origin AS origin, label FROM toar.timeseries ORDER BY 2',
      );
      expect(new Set(rows.map((r) => r.origin))).toEqual(new Set(['openaq-archive']));
      expect(rows.every((r) => /^[23]\d\d$/.test(r.label))).toBe(true);
    } finally {
      await client.end();
    }
  });
});
