// The archive case of `npm run bench:ingest`: generated location-days of OpenAQ's archive layout,
// many small objects (about 1,000 locations × 1 day, three sensors each, hourly), served by the same
// local S3 API server and ingested with the archive layout. Object latency dominates, so the reads go
// `concurrency` at a time. A second run over the same day measures the unchanged objects' cost
// (listed, ETag compared, not read).
import { gzipSync } from 'node:zlib';
import { archiveKeyOf } from '../actions/lib/openaq/archive-key.ts';
import { ARCHIVE_HEADER } from '../actions/lib/openaq/archive-rules.ts';
import { silentLogger } from '../actions/lib/util/logger.ts';
import { ingestWith } from '../actions/wiring.ts';
import type { S3TestServer } from '../test/support/s3-server.ts';

const BUCKET = 'openaq-data-archive';
const PREFIX = 'records/csv.gz/';
const DAY_MS = 86_400_000;

/** The sensors of each generated location: (sensor offset, parameter, unit). */
const SENSORS = [
  [1, 'pm25', 'µg/m³'],
  [2, 'pm10', 'µg/m³'],
  [3, 'o3', 'ppm'],
] as const;

/** One location's CSV for `day`: hourly rows of each sensor, the datetime at the hour's end. */
function locationDay(location: number, day: number): string {
  const lat = (-60 + ((location * 7919) % 12_000) / 100).toFixed(4);
  const lon = (-170 + ((location * 104_729) % 34_000) / 100).toFixed(4);
  const lines = [ARCHIVE_HEADER.join(',')];
  for (let hour = 1; hour <= 24; hour++) {
    const at = new Date(day + hour * 3_600_000).toISOString().replace('.000Z', 'Z');
    for (const [offset, parameter, unit] of SENSORS) {
      const value =
        parameter === 'o3'
          ? 0.02 + ((location + hour) % 40) / 1000
          : 5 + ((location * 3 + hour) % 90);
      lines.push(
        `${location},${location * 10 + offset},"Bench location ${location}",${at},${lat},${lon},${parameter},${unit},${value}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** What the archive case measured. */
export interface ArchiveCase {
  locations: number;
  objects: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  objectsPerSecond: number;
  /** The same day again: every object unchanged (listed, not read). */
  unchangedSeconds: number;
}

/**
 * Seeds `locations` location-days into the server and ingests them into the database at `url`.
 *
 * @example const archive = await archiveCase(s3, db.url, 1_000, 16, log);
 */
export async function archiveCase(
  s3: S3TestServer,
  url: string,
  locations: number,
  concurrency: number,
  log: (message: string) => void,
): Promise<ArchiveCase> {
  const day = Date.parse('2024-03-01T00:00:00Z');
  const ids = Array.from({ length: locations }, (_, i) => 1_000 + i);
  await s3.createBucket(BUCKET);
  await s3.seedObjects(
    BUCKET,
    ids.map((id) => [`${PREFIX}${archiveKeyOf(id, day)}`, gzipSync(locationDay(id, day))] as const),
  );
  log(`archive: ${locations} location-days seeded; ingesting…`);
  const settings = {
    source: `s3://${BUCKET}/${PREFIX}`,
    endpoint: s3.endpoint,
    anonymous: true,
    layout: 'archive' as const,
    locations: { kind: 'ids' as const, ids },
    start: day,
    end: day + DAY_MS,
    databaseUrl: url,
    concurrency,
  };
  const report = await ingestWith(settings, { logger: silentLogger });
  if (report.objects_failed > 0) {
    throw new Error(`archive ingest failed: ${JSON.stringify(report.failures.slice(0, 3))}`);
  }
  const again = await ingestWith(settings, { logger: silentLogger });
  if (again.objects_unchanged !== report.objects) {
    throw new Error(`the second run read ${again.objects - again.objects_unchanged} objects again`);
  }
  return {
    locations,
    objects: report.objects,
    records: report.lines,
    seconds: report.seconds,
    recordsPerSecond: report.lines / report.seconds,
    objectsPerSecond: report.objects / report.seconds,
    unchangedSeconds: again.seconds,
  };
}
