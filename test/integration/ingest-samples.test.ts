// The real OpenAQ samples, placed in the real-time layout, ingested into a real PostgreSQL.
// Expected counts come from test/support/reference-rules.ts, a separate reading of DESIGN.md.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../actions/lib/ingest/status.ts';
import type { IngestReport } from '../../actions/lib/ingest/types.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { ingestWith } from '../../actions/wiring.ts';
import { createTestDatabase } from '../support/database.ts';
import { naturalContent, naturalContentOf } from '../support/natural-content.ts';
import { referenceCounts } from '../support/reference-rules.ts';
import { type PlacedObject, placeObject, sampleText } from '../support/sample-layout.ts';

const T2018 = Date.parse('2018-06-07T00:00:00Z');
const T2014 = Date.parse('2014-03-30T00:00:00Z');
const MIN10 = 600_000;

describe('ingesting the real samples from a folder', () => {
  let root: string;
  let source: string;
  // The 2014 fetch, the 2018 fetch, and its duplicate records fetched 10 minutes later.
  let objects: [PlacedObject, PlacedObject, PlacedObject];
  const databases: { drop: () => Promise<void> }[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-samples-'));
    source = pathToFileURL(root).toString();
    const fetch2018 = await sampleText('2018-06-07.ndjson');
    objects = [
      await placeObject(root, T2014 + 60_000, await sampleText('2014-03-30.ndjson.gz')),
      await placeObject(root, T2018, fetch2018),
      // The same 15 records again, fetched 10 minutes later and not gzipped: duplicates whose later
      // fetch wins (with identical values, so no stored value changes).
      await placeObject(root, T2018 + MIN10 + 5_000, await sampleText('no-coordinates.ndjson'), {
        gzip: false,
        suffix: '_na',
      }),
    ];
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await Promise.all(databases.map((d) => d.drop()));
  });

  async function freshDatabase() {
    const db = await createTestDatabase('samples');
    databases.push(db);
    return db.url;
  }

  const run = (databaseUrl: string, start: number, end: number): Promise<IngestReport> =>
    ingestWith({ source, start, end, databaseUrl }, { logger: silentLogger });

  it('accounts for every line and stores exactly what the rules say', async () => {
    const url = await freshDatabase();
    const a = await run(url, T2014, T2014 + MIN10);
    const b = await run(url, T2018, T2018 + 3 * MIN10);
    const expected = referenceCounts(objects);

    expect(a.objects + b.objects).toBe(3);
    expect(a.objects_failed + b.objects_failed).toBe(0);
    expect(a.lines + b.lines).toBe(expected.lines);
    expect(a.accepted + b.accepted).toBe(expected.accepted);
    const rejected = { ...a.rejected };
    for (const [k, n] of Object.entries(b.rejected)) rejected[k] = (rejected[k] ?? 0) + n;
    expect(rejected).toEqual(expected.rejected);
    // The README of the samples: 1,559 records of the 2018 fetch have no coordinates.
    expect(expected.rejected['no-coordinates']).toBeGreaterThanOrEqual(1559);
    expect(a.stations_created + b.stations_created).toBe(expected.stations);
    expect(a.series_created + b.series_created).toBe(expected.series);
    expect(a.rows_inserted + b.rows_inserted).toBe(expected.rows.size);
    expect(b.rows_updated).toBe(0);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const content = await naturalContent(client);
      expect(content.stations?.n).toBe(expected.stations);
      expect(content.series?.n).toBe(expected.series);
      expect(content.data?.n).toBe(expected.rows.size);
      const byReason = await client.query<{ reason: string; n: number }>(
        'SELECT reason, count(*)::integer AS n FROM ops.rejected_records GROUP BY reason',
      );
      expect(Object.fromEntries(byReason.rows.map((r) => [r.reason, r.n]))).toEqual(
        expected.rejected,
      );
      // What `freshet status` reports: the objects' own counts, the same.
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        expect((await readStatus(pool)).rejected).toEqual(expected.rejected);
      } finally {
        await pool.end();
      }
      // Each interval is its own attempt; the two intervals after the duplicate fetch are empty.
      const runs = await client.query<{ status: string; objects: number }>(
        'SELECT status, objects FROM ops.ingest_runs ORDER BY interval_start',
      );
      expect(runs.rows).toEqual([
        { status: 'succeeded', objects: 1 },
        { status: 'succeeded', objects: 1 },
        { status: 'succeeded', objects: 1 },
        { status: 'succeeded', objects: 0 },
      ]);
      // The duplicate records of the later fetch replaced the earlier rows: fetch-time precedence.
      const duplicate = objects[2];
      const later = await client.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM toar.data d JOIN ops.source_objects o ON o.id = d.object_id
         WHERE o.key = $1`,
        [duplicate.key],
      );
      const laterRows = referenceCounts([duplicate]).rows.size;
      expect(laterRows).toBeGreaterThan(0);
      expect(later.rows[0]?.n).toBe(laterRows);
      // Values in TOAR units: a ppm ozone record is stored ×1000.
      const ppm = objects[1].lines
        .map((l) => JSON.parse(l))
        .find((r) => r.parameter === 'o3' && r.unit === 'ppm' && r.value > 0 && r.coordinates);
      const stored = await client.query<{ value: number }>(
        `SELECT d.value FROM toar.data d JOIN toar.timeseries t ON t.id = d.timeseries_id
         JOIN toar.stationmeta_core s ON s.id = t.station_id
         WHERE t.variable_id = 1 AND d.datetime = $1 AND s.lat = $2 AND s.lng = $3`,
        [ppm.date.utc, ppm.coordinates.latitude, ppm.coordinates.longitude],
      );
      expect(stored.rows.map((r) => r.value)).toContain(ppm.value * 1000);
    } finally {
      await client.end();
    }
  });

  it('gives identical tables when run twice, and when the range runs backwards', async () => {
    const forwards = await freshDatabase();
    await run(forwards, T2018, T2018 + 3 * MIN10);
    const first = await naturalContentOf(forwards);
    const again = await run(forwards, T2018, T2018 + 3 * MIN10);
    expect(again.rows_inserted).toBe(0);
    expect(again.rows_updated).toBe(0);
    expect(again.stations_created + again.series_created).toBe(0);
    expect(await naturalContentOf(forwards)).toEqual(first);

    const backwards = await freshDatabase();
    for (let start = T2018 + 2 * MIN10; start >= T2018; start -= MIN10) {
      await run(backwards, start, start + MIN10);
    }
    expect(await naturalContentOf(backwards)).toEqual(first);
  });

  it('stores SQL-hostile and unusual station names verbatim', async () => {
    const hostile = [
      `Robert'); DROP TABLE toar.data;--`,
      'tab\there, back\\slash, "quotes"',
      'new\nline',
      'Zürich – 東京 😀',
    ];
    const dir = await mkdtemp(join(tmpdir(), 'freshet-hostile-'));
    try {
      const base = {
        parameter: 'o3',
        value: 0.03,
        unit: 'ppm',
        date: { utc: '2018-06-07T00:00:00.000Z', local: '2018-06-07T00:00:00+00:00' },
        averagingPeriod: { value: 1, unit: 'hours' },
        city: "O'Brien",
        country: 'XX',
      };
      const lines = hostile.map((location, i) =>
        JSON.stringify({ ...base, location, coordinates: { latitude: 10 + i, longitude: 20 + i } }),
      );
      await placeObject(dir, T2018, lines.join('\n'));
      const url = await freshDatabase();
      const report = await ingestWith(
        {
          source: pathToFileURL(dir).toString(),
          start: T2018,
          end: T2018 + MIN10,
          databaseUrl: url,
        },
        { logger: silentLogger },
      );
      expect(report.accepted).toBe(hostile.length);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string; codes: string[]; city: string }>(
          'SELECT name, codes, city FROM toar.stationmeta_core ORDER BY lat_key',
        );
        expect(rows.map((r) => r.name)).toEqual(hostile);
        expect(rows.map((r) => r.codes)).toEqual(hostile.map((h) => [h]));
        expect(rows.every((r) => r.city === "O'Brien")).toBe(true);
        const data = await client.query('SELECT count(*)::integer AS n FROM toar.data');
        expect(data.rows[0].n).toBe(hostile.length);
      } finally {
        await client.end();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
