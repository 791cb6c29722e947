// Parsing on worker threads changes nothing but speed: the same objects ingested with workers: 0
// (parsed in the loader's thread) and with several workers leave identical tables, reports and
// attempts.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRange } from '../../actions/lib/ingest/ingest-range.ts';
import { DEFAULT_MAX_OBJECT_BYTES } from '../../actions/lib/ingest/parse-object.ts';
import type { IngestReport } from '../../actions/lib/ingest/types.ts';
import { RULES_VERSION } from '../../actions/lib/openaq/rules.ts';
import { folderSource } from '../../actions/lib/openaq/source-folder.ts';
import { migrate } from '../../actions/lib/toar/migrate.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { ingestWith } from '../../actions/wiring.ts';
import { createTestDatabase } from '../support/database.ts';
import { naturalContentOf } from '../support/natural-content.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const MIN10 = 600_000;
const HOUR = 3_600_000;

/**
 * A fetch made at `fetchedAt`: the last 6 hours of 40 stations' hourly o3, no2 and pm25 (so that
 * consecutive fetches repeat most of each other, with values that change from fetch to fetch), plus
 * lines the rules reject.
 */
function fetchText(fetchedAt: number): string {
  const lines: string[] = [];
  for (let station = 0; station < 40; station++) {
    for (let hour = 1; hour <= 6; hour++) {
      const time = Math.floor(fetchedAt / HOUR) * HOUR - hour * HOUR;
      for (const [parameter, unit] of [
        ['o3', 'ppm'],
        ['no2', 'µg/m³'],
        ['pm25', 'µg/m³'],
      ] as const) {
        lines.push(
          JSON.stringify({
            date: { utc: new Date(time).toISOString() },
            parameter,
            value: ((station * 31 + hour * 7 + fetchedAt / MIN10) % 97) - 3,
            unit,
            location: `Station ${station} ${fetchedAt % 3 === 0 ? 'A' : 'B'}`,
            city: 'Town',
            country: 'XX',
            coordinates: {
              latitude: -33.87 + station * 0.00005,
              longitude: 151.2 + station * 0.01,
            },
          }),
        );
      }
    }
  }
  lines.push('{"parameter":"pm1"}', 'not json', '', JSON.stringify({ date: { utc: 'x' } }));
  return `${lines.join('\n')}\n`;
}

describe('ingesting on worker threads', () => {
  let root: string;
  let source: string;
  const databases: { url: string; drop: () => Promise<void> }[] = [];
  const range = { start: T, end: T + 4 * MIN10 };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-workers-'));
    source = pathToFileURL(root).toString();
    await mkdir(join(root, '2018-06-07'));
    // 12 objects over 4 intervals (two in the same second), and one broken gzip.
    for (let i = 0; i < 12; i++) {
      const fetchedAt = T + i * 200_000;
      const suffix = i === 5 ? '_b' : '';
      await writeFile(
        join(root, '2018-06-07', `${Math.floor(fetchedAt / 1000)}${suffix}.ndjson.gz`),
        gzipSync(fetchText(fetchedAt)),
      );
    }
    const broken = gzipSync(fetchText(T));
    await writeFile(
      join(root, '2018-06-07', `${T / 1000 + 300}.ndjson.gz`),
      broken.subarray(0, broken.length >> 1),
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await Promise.all(databases.map((d) => d.drop()));
  });

  async function freshDatabase() {
    const db = await createTestDatabase('workers');
    databases.push(db);
    return db.url;
  }

  /** The attempts as recorded, without ids and timings. */
  async function attemptsOf(url: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT interval_start, status, objects, objects_skipped, objects_failed, lines, accepted,
                rejected, rejected_by_reason, stations_created, series_created, rows_inserted,
                rows_updated, error
         FROM ops.ingest_runs ORDER BY interval_start`,
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  const withoutTime = ({ seconds: _seconds, ...rest }: IngestReport) => rest;

  it('leaves the same tables, report and attempts with 0 workers and with 3', async () => {
    const single = await freshDatabase();
    const threaded = await freshDatabase();
    const run = (databaseUrl: string, workers: number) =>
      ingestWith({ source, ...range, databaseUrl, workers }, { logger: silentLogger });
    const a = await run(single, 0);
    const b = await run(threaded, 3);
    expect(a.objects).toBe(13);
    expect(a.objects_failed).toBe(1);
    expect(a.rows_inserted).toBeGreaterThan(0);
    expect(withoutTime(b)).toEqual(withoutTime(a));
    const content = await naturalContentOf(single);
    expect(content.data?.n).toBeGreaterThan(0);
    expect(content.rejected?.n).toBeGreaterThan(0);
    expect(await naturalContentOf(threaded)).toEqual(content);
    expect(await attemptsOf(threaded)).toEqual(await attemptsOf(single));
  });

  it('leaves the same tables whatever the group size, concurrency and workers', async () => {
    const reference = await freshDatabase();
    await ingestWith(
      { source, ...range, databaseUrl: reference, workers: 0 },
      { logger: silentLogger },
    );
    const expected = await naturalContentOf(reference);
    // 12 good objects of 40 stations × 6 hours × 3 variables and 4 rejected lines (one blank).
    const expectedLines = 12 * (40 * 6 * 3 + 3);
    // The last two load every object in pieces of 97 lines (its measurements repeated from piece to
    // piece, since each fetch lists a station's hours together), as a large object is loaded. With
    // a pool of two connections or more, each group is staged as it forms; with one, it is not.
    for (const [groupLines, concurrency, workers, pieceLines, connections] of [
      [1, 1, 1, undefined, 2],
      [800, 2, 2, undefined, 2],
      [1, 2, 2, undefined, 1],
      [800, 3, 2, 97, 2],
      [800, 1, 0, 97, 2],
    ] as const) {
      const url = await freshDatabase();
      const pool = new pg.Pool({ connectionString: url, max: connections });
      try {
        const client = await pool.connect();
        await migrate(client, silentLogger);
        client.release();
        const report = await ingestRange(folderSource(source), pool, range, {
          concurrency,
          workers,
          groupLines,
          ...(pieceLines !== undefined ? { pieceLines } : {}),
          rulesVersion: RULES_VERSION,
          leaseMs: HOUR,
          maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES,
          logger: silentLogger,
        });
        expect(report.objects_failed).toBe(1);
        expect(report.lines).toBe(expectedLines);
        // One object per group: later fetches replace what earlier ones stored.
        if (groupLines === 1) expect(report.rows_updated).toBeGreaterThan(0);
      } finally {
        await pool.end();
      }
      expect(await naturalContentOf(url)).toEqual(expected);
    }
  });
});
