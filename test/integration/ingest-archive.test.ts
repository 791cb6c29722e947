// OpenAQ's archive layout end to end: a folder mirror and a real S3 API server (s3rver) holding
// location-day objects in both encodings, ingested through the shells' wiring; through a proxy that
// injects 5xx and truncated bodies; re-read with unchanged ETags (skipped) and after a re-export.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../actions/lib/errors.ts';
import type { IngestSettings } from '../../actions/lib/ingest/types.ts';
import { ARCHIVE_HEADER } from '../../actions/lib/openaq/archive-rules.ts';
import type { Logger } from '../../actions/lib/util/logger.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { ingestWith } from '../../actions/wiring.ts';
import { createTestDatabase } from '../support/database.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { naturalContentOf } from '../support/natural-content.ts';
import { openaqSampleText } from '../support/openaq-fixtures.ts';
import { type S3TestServer, startS3Server } from '../support/s3-server.ts';

const DAY_1 = Date.parse('2023-02-22T00:00:00Z');
const DAY_MS = 86_400_000;
const RANGE = { start: DAY_1, end: DAY_1 + 2 * DAY_MS };
const BUCKET = 'openaq-data-archive';
const PREFIX = 'records/csv.gz/';

const KEY_2178_1 = 'locationid=2178/year=2023/month=02/location-2178-20230222.csv.gz';
const KEY_2178_2 = 'locationid=2178/year=2023/month=02/location-2178-20230223.csv.gz';
const KEY_8118_1 = 'locationid=8118/year=2023/month=02/location-8118-20230222.csv.gz';

/** Every field double-quoted, CRLF line ends and a BOM: the other encoding found in the bucket. */
function quotedCsv(rows: string[][]): string {
  const field = (f: string) => `"${f.replaceAll('"', '""')}"`;
  return `\ufeff${[[...ARCHIVE_HEADER], ...rows].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}

/** Location 2178 on 2023-02-23: two pm10 sensors and an ozone sensor, one line a sentinel. */
const DAY_2_ROWS = [
  [
    '2178',
    '3919',
    'Del Norte-2178',
    '2023-02-23T01:00:00-07:00',
    '35.1353',
    '-106.584702',
    'pm10',
    'µg/m³',
    '11.0',
  ],
  [
    '2178',
    '3920',
    'Del Norte-2178',
    '2023-02-23T01:00:00-07:00',
    '35.1353',
    '-106.584702',
    'pm10',
    'µg/m³',
    '12.5',
  ],
  [
    '2178',
    '3917',
    'Del Norte-2178',
    '2023-02-23T01:00:00-07:00',
    '35.1353',
    '-106.584702',
    'o3',
    'ppm',
    '0.041',
  ],
  [
    '2178',
    '3917',
    'Del Norte-2178',
    '2023-02-23T02:00:00-07:00',
    '35.1353',
    '-106.584702',
    'o3',
    'ppm',
    '-999',
  ],
];

/** Location 8118, mobile: coordinates per row, a name with a comma and quotes, offset +05:30. */
const MOBILE = [
  ARCHIVE_HEADER.join(','),
  '8118,40001,"Delhi, ""mobile"" unit",2023-02-22 06:00:00+05:30,28.6139,77.209,pm25,µg/m³,150.2',
  '8118,40001,"Delhi, ""mobile"" unit",2023-02-22 07:00:00+05:30,28.6201,77.2155,pm25,µg/m³,160.8',
  '8118,40001,"Delhi, ""mobile"" unit",2023-02-22 08:00:00+05:30,0,0,pm25,µg/m³,170',
  '8118,40002,"Delhi, ""mobile"" unit",2023-02-22 08:00:00+05:30,28.6201,77.2155,no2,ppb,-3.5',
].join('\n');

/** The archive as a folder: relative key → bytes. */
function archiveObjects(): [string, Uint8Array][] {
  return [
    [KEY_2178_1, gzipSync(openaqSampleText('archive/location-2178-20230222.csv.gz'))],
    [KEY_2178_2, gzipSync(quotedCsv(DAY_2_ROWS))],
    [KEY_8118_1, gzipSync(MOBILE)],
    // Not location-day objects: skipped and counted, never an error.
    ['locationid=2178/year=2023/month=02/README.txt', new TextEncoder().encode('notes')],
    ['locationid=8118/year=2023/month=02/location-2178-20230222.csv.gz', gzipSync('x')],
  ];
}

async function writeFolder(root: string, objects: [string, Uint8Array][]): Promise<void> {
  for (const [key, bytes] of objects) {
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(join(root, key), bytes);
  }
}

/** Natural content without `fetched_at` (an archive row's is its object's LastModified, which differs between copies). */
async function contentOf(url: string) {
  const { data, ...rest } = await naturalContentOf(url);
  return { ...rest, rows: data?.n };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
}

describe('ingesting the archive layout', () => {
  let s3: S3TestServer;
  let folder: string;
  const databases: { drop: () => Promise<void> }[] = [];
  const freshDatabase = async () => {
    const db = await createTestDatabase('archive');
    databases.push(db);
    return db.url;
  };
  const s3Settings = (databaseUrl: string, endpoint = s3.endpoint): IngestSettings => ({
    source: `s3://${BUCKET}/${PREFIX}`,
    endpoint,
    anonymous: true,
    layout: 'archive',
    locations: { kind: 'ids', ids: [2178, 8118, 9999] },
    ...RANGE,
    databaseUrl,
  });

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'freshet-archive-'));
    await writeFolder(folder, archiveObjects());
    s3 = await startS3Server();
    await s3.createBucket(BUCKET);
    await s3.putFolder(BUCKET, PREFIX, folder);
  });

  afterAll(async () => {
    await s3?.stop();
    await rm(folder, { recursive: true, force: true });
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('reads the selected locations\u2019 days from S3, by the archive rules', async () => {
    const url = await freshDatabase();
    const report = await ingestWith(s3Settings(url), { logger: silentLogger });
    expect(report).toMatchObject({
      intervals: 2,
      objects: 3,
      objects_skipped: 2,
      objects_failed: 0,
      objects_unchanged: 0,
      lines: 14 + 4 + 4,
      accepted: 14 + 3 + 3,
      rejected: { 'sentinel-value': 1, 'no-coordinates': 1 },
      // 2178 at one place; the mobile 8118 at two.
      stations_created: 3,
      // 2178: pm10 3919 and 3920, o3 3917; 8118: pm25 40001 at two stations, no2 40002.
      series_created: 6,
      rows_inserted: 20,
    });
    expect(report.failures).toEqual([]);
  });

  it('tells the layout from the folders, and reads a folder mirror as it reads S3', async () => {
    const fromS3 = await freshDatabase();
    await ingestWith(s3Settings(fromS3), { logger: silentLogger });
    const fromFolder = await freshDatabase();
    const logger = recordingLogger();
    const report = await ingestWith(
      {
        source: pathToFileURL(folder).toString(),
        locations: { kind: 'ids', ids: [2178, 8118] },
        ...RANGE,
        databaseUrl: fromFolder,
      },
      { logger },
    );
    expect(logger.lines).toContain('layout: archive (locationid= folders at the root)');
    expect(report.objects).toBe(3);
    expect(await contentOf(fromFolder)).toEqual(await contentOf(fromS3));
  });

  it('refuses the archive layout without locations, before recording anything', async () => {
    const url = await freshDatabase();
    await expect(
      ingestWith({ ...s3Settings(url), locations: undefined }, { logger: silentLogger }),
    ).rejects.toThrow(UsageError);
  });

  it('retries 5xx answers and truncated bodies, and loses nothing', async () => {
    const direct = await freshDatabase();
    await ingestWith(s3Settings(direct), { logger: silentLogger });
    const proxy = await startFaultProxy(s3.endpoint, [
      { listing: true, nth: [1], fault: { kind: 'status', status: 503, code: 'SlowDown' } },
      {
        key: /location-2178-20230222/,
        nth: [1],
        fault: { kind: 'status', status: 500, code: 'InternalError' },
      },
      { key: /location-8118-20230222/, nth: [1], fault: { kind: 'truncate', afterBytes: 20 } },
    ]);
    try {
      const url = await freshDatabase();
      const report = await ingestWith(s3Settings(url, proxy.endpoint), { logger: silentLogger });
      expect(report.objects_failed).toBe(0);
      const gets = (pattern: RegExp) =>
        proxy.requests.filter((r) => r.key !== null && pattern.test(r.key)).length;
      // Each fault cost one more request, and nothing else.
      expect(proxy.requests.filter((r) => r.listing && r.fault === 'status')).toHaveLength(1);
      expect(gets(/location-2178-20230222/)).toBe(2);
      expect(gets(/location-8118-20230222/)).toBe(2);
      expect(gets(/location-2178-20230223/)).toBe(1);
      expect(await naturalContentOf(url)).toEqual(await naturalContentOf(direct));
    } finally {
      await proxy.stop();
    }
  });

  it('leaves the same content whatever the order of the days', async () => {
    const inOrder = await freshDatabase();
    await ingestWith(s3Settings(inOrder), { logger: silentLogger });
    const reversed = await freshDatabase();
    await ingestWith(
      { ...s3Settings(reversed), start: DAY_1 + DAY_MS, end: DAY_1 + 2 * DAY_MS },
      { logger: silentLogger },
    );
    await ingestWith(
      { ...s3Settings(reversed), start: DAY_1, end: DAY_1 + DAY_MS },
      { logger: silentLogger },
    );
    expect(await naturalContentOf(reversed)).toEqual(await naturalContentOf(inOrder));
  });

  it('skips objects whose ETag is unchanged, and re-loads a re-export to what it says', async () => {
    const url = await freshDatabase();
    await ingestWith(s3Settings(url), { logger: silentLogger });
    const before = await naturalContentOf(url);
    const again = await ingestWith(s3Settings(url), { logger: silentLogger });
    expect(again).toMatchObject({ objects: 3, objects_unchanged: 3, lines: 0, rows_updated: 0 });
    expect(await naturalContentOf(url)).toEqual(before);

    // OpenAQ re-exports 2178's second day: sensor 3920 withdrawn, 3919 corrected, the sentinel
    // line now a real value.
    const reexport = quotedCsv([
      [
        '2178',
        '3919',
        'Del Norte-2178',
        '2023-02-23T01:00:00-07:00',
        '35.1353',
        '-106.584702',
        'pm10',
        'µg/m³',
        '11.5',
      ],
      [
        '2178',
        '3917',
        'Del Norte-2178',
        '2023-02-23T01:00:00-07:00',
        '35.1353',
        '-106.584702',
        'o3',
        'ppm',
        '0.041',
      ],
      [
        '2178',
        '3917',
        'Del Norte-2178',
        '2023-02-23T02:00:00-07:00',
        '35.1353',
        '-106.584702',
        'o3',
        'ppm',
        '0.039',
      ],
    ]);
    await s3.putObject(BUCKET, `${PREFIX}${KEY_2178_2}`, gzipSync(reexport));
    const after = await ingestWith(s3Settings(url), { logger: silentLogger });
    expect(after).toMatchObject({ objects: 3, objects_unchanged: 2, lines: 3, accepted: 3 });
    expect(after.rows_inserted + after.rows_updated).toBe(1 + 2);

    // What the database holds now is what loading the archive as it is now leaves.
    const fresh = await freshDatabase();
    await ingestWith(s3Settings(fresh), { logger: silentLogger });
    const { series: _a, ...now } = await naturalContentOf(url);
    const { series: _b, ...expected } = await naturalContentOf(fresh);
    expect(now).toEqual(expected);
    // Put the first version back for the other tests.
    await s3.putObject(BUCKET, `${PREFIX}${KEY_2178_2}`, gzipSync(quotedCsv(DAY_2_ROWS)));
  });

  it('fails an object whose header is not the documented one, and loads the others', async () => {
    const root = await mkdtemp(join(tmpdir(), 'freshet-archive-header-'));
    try {
      const objects = archiveObjects();
      objects[1] = [
        KEY_2178_2,
        gzipSync('location_id,sensor_id,location,datetime,lat,lon,parameter,unit,value\n'),
      ];
      await writeFolder(root, objects);
      const url = await freshDatabase();
      const report = await ingestWith(
        {
          source: pathToFileURL(root).toString(),
          layout: 'archive',
          locations: { kind: 'ids', ids: [2178, 8118] },
          ...RANGE,
          databaseUrl: url,
        },
        { logger: silentLogger },
      );
      expect(report.objects_failed).toBe(1);
      expect(report.failures[0]?.error).toMatch(/the header is not the archive's/);
      expect(report.accepted).toBe(14 + 3);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
