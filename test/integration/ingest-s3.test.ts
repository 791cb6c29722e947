// The real samples served by a real S3 API server (s3rver on 127.0.0.1), ingested directly and
// through a proxy that injects 500s, throttling, hung requests and broken bodies: retried, nothing
// lost, the same tables as from a folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRange } from '../../actions/lib/ingest/ingest-range.ts';
import { DEFAULT_MAX_OBJECT_BYTES } from '../../actions/lib/ingest/parse-object.ts';
import { RULES_VERSION } from '../../actions/lib/openaq/rules.ts';
import { s3Source } from '../../actions/lib/openaq/source-s3.ts';
import { migrate } from '../../actions/lib/toar/migrate.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { ingestWith } from '../../actions/wiring.ts';
import { createTestDatabase } from '../support/database.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { naturalContentOf } from '../support/natural-content.ts';
import { referenceCounts } from '../support/reference-rules.ts';
import { type S3TestServer, startS3Server } from '../support/s3-server.ts';
import { type PlacedObject, placeObject, sampleText } from '../support/sample-layout.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const RANGE = { start: T, end: T + 30 * 60_000 };
const BUCKET = 'openaq-fetches';
const PREFIX = 'realtime-gzipped/';

describe('ingesting the real samples from an S3 API server', () => {
  let s3: S3TestServer;
  let folder: string;
  let objects: PlacedObject[];
  let folderContent: Awaited<ReturnType<typeof naturalContentOf>>;
  const databases: { drop: () => Promise<void> }[] = [];
  const freshDatabase = async () => {
    const db = await createTestDatabase('s3');
    databases.push(db);
    return db.url;
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'freshet-s3-samples-'));
    const text = await sampleText('2018-06-07.ndjson');
    objects = [
      await placeObject(folder, T + 17_000, text),
      await placeObject(folder, T + 600_000 + 3_000, await sampleText('no-coordinates.ndjson'), {
        suffix: '_na',
      }),
      await placeObject(folder, T + 1_200_000, await sampleText('2014-03-30.ndjson.gz'), {
        gzip: false,
      }),
    ];
    s3 = await startS3Server();
    await s3.createBucket(BUCKET);
    await s3.putFolder(BUCKET, PREFIX, folder);
    // The reference: the same objects from the folder source.
    const url = await freshDatabase();
    const report = await ingestWith(
      { source: pathToFileURL(folder).toString(), ...RANGE, databaseUrl: url },
      { logger: silentLogger },
    );
    expect(report.objects_failed).toBe(0);
    folderContent = await naturalContentOf(url);
  });

  afterAll(async () => {
    await s3?.stop();
    await rm(folder, { recursive: true, force: true });
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('stores exactly what the rules say, as the folder source does', async () => {
    const url = await freshDatabase();
    const report = await ingestWith(
      {
        source: `s3://${BUCKET}/${PREFIX}`,
        endpoint: s3.endpoint,
        anonymous: true,
        ...RANGE,
        databaseUrl: url,
      },
      { logger: silentLogger },
    );
    const expected = referenceCounts(objects);
    expect(report).toMatchObject({
      intervals: 3,
      objects: 3,
      objects_failed: 0,
      lines: expected.lines,
      accepted: expected.accepted,
      rejected: expected.rejected,
      stations_created: expected.stations,
      series_created: expected.series,
      rows_inserted: expected.rows.size,
    });
    expect(await naturalContentOf(url)).toEqual(folderContent);
  });

  it('retries 500s, throttling, hung requests and broken bodies, and loses nothing', async () => {
    const proxy = await startFaultProxy(s3.endpoint, [
      { listing: true, nth: [1], fault: { kind: 'status', status: 500, code: 'InternalError' } },
      { method: 'GET', key: /1528329617/, nth: [1], fault: { kind: 'hang' } },
      { method: 'GET', key: /1528329617/, nth: [2], fault: { kind: 'truncate', afterBytes: 1000 } },
      {
        method: 'GET',
        key: /_na/,
        nth: [1, 2],
        fault: { kind: 'status', status: 503, code: 'SlowDown' },
      },
      { method: 'GET', key: /1528330800/, nth: [1], fault: { kind: 'reset' } },
    ]);
    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    const retries: string[] = [];
    try {
      const client = await pool.connect();
      await migrate(client, silentLogger);
      client.release();
      const source = s3Source(`s3://${BUCKET}/${PREFIX}`, {
        endpoint: proxy.endpoint,
        anonymous: true,
        requestTimeoutMs: 500,
        retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
        onRetry: (m) => retries.push(m),
      });
      const report = await ingestRange(source, pool, RANGE, {
        concurrency: 3,
        rulesVersion: RULES_VERSION,
        leaseMs: 60_000,
        maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES,
        logger: silentLogger,
      });
      expect(report.objects_failed).toBe(0);
      expect(report.objects).toBe(3);
    } finally {
      await pool.end();
      await proxy.stop();
    }
    const counts = proxy.counts();
    expect(counts.status).toBeGreaterThanOrEqual(3);
    expect(counts.hang).toBe(1);
    expect(counts.truncate + counts.reset).toBe(2);
    expect(retries.length).toBeGreaterThan(0);
    expect(await naturalContentOf(url)).toEqual(folderContent);
  });
});
