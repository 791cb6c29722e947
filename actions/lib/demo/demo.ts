// What `npm start` runs: the original design's evaluation (DESIGN.md, Origin) on synthetic data.
// Ten days from 2014-01-01 are generated, then day by day ingested and, once a station has enough
// history, the example model is trained on it, each task timed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingest } from '../ingest/index.ts';
import { folderSource } from '../openaq/source-folder.ts';
import { generateFetches } from '../synthetic/index.ts';
import type { DatabasePool } from '../toar/database.ts';
import { runTraining } from '../training/run/runner.ts';
import type { Logger } from '../util/logger.ts';

const DAY_MS = 86_400_000;

/** Hours of a station's ozone before the demo trains on it (lags of a day, then train and test rows). */
export const DEMO_MIN_HOURS = 6 * 24;

export interface DemoOptions {
  days: number;
  stations: number;
  start: number;
  /** The training project trained each day (the shell passes the example, training/ozone-forest). */
  project: string;
  /** Where training runs keep their artifacts. */
  stateDir: string;
}

/** The world the demo works in: its database and where its messages and rows go. */
export interface DemoContext {
  /** The TOAR database, migrated. */
  db: DatabasePool;
  /** The same database's URL, handed to the training project's command. */
  databaseUrl: string;
  /** The environment the training project's command inherits. */
  env: NodeJS.ProcessEnv;
  /** The clock, epoch ms. */
  now: () => number;
  logger: Logger;
  onDay: (day: DemoDay) => void;
}

/** One day of the demo, as its summary row shows it. */
export interface DemoDay {
  day: string;
  objects: number;
  records: number;
  accepted: number;
  rejected: number;
  ingestSeconds: number;
  /** The station trained on, its hours of data, and the outcome (absent while it has too few). */
  training?: {
    station: string;
    hours: number;
    status: 'succeeded' | 'failed' | 'waiting';
    seconds?: number;
    rmse?: number;
    skill?: number;
    error?: string;
  };
}

/**
 * Generates `days` of fetches into a temporary folder, then ingests and trains day by day, calling
 * `onDay` with each day's row as soon as it is done. Returns whether every day went through.
 */
export async function runDemo(options: DemoOptions, context: DemoContext): Promise<boolean> {
  const { logger, db } = context;
  const dir = await mkdtemp(join(tmpdir(), 'freshet-demo-'));
  let ok = true;
  try {
    logger.info(`generating ${options.days} days of fetches in ${dir}`);
    const generated = await generateFetches({
      outDir: dir,
      start: options.start,
      days: options.days,
      stations: options.stations,
      seed: 1,
    });
    const source = folderSource(pathToFileURL(generated.dir).toString());
    let station: string | undefined;
    for (let day = 0; day < options.days; day++) {
      const dayStart = options.start + day * DAY_MS;
      const report = await ingest(
        { start: dayStart, end: dayStart + DAY_MS },
        { source, db, logger },
      );
      ok &&= report.objects_failed === 0;
      station ??= await busiestOzoneStation(db);
      const row: DemoDay = {
        day: new Date(dayStart).toISOString().slice(0, 10),
        objects: report.objects,
        records: report.lines,
        accepted: report.accepted,
        rejected: report.lines - report.accepted,
        ingestSeconds: report.seconds,
      };
      if (station) {
        const until = dayStart + DAY_MS;
        const hours = await ozoneHours(db, station, until);
        row.training = { station, hours, status: 'waiting' };
        if (hours >= DEMO_MIN_HOURS) {
          const result = await runTraining(
            {
              project: options.project,
              selection: {
                station,
                from: new Date(options.start - DAY_MS).toISOString(),
                to: new Date(until).toISOString(),
              },
              tags: { trigger: 'demo', day: row.day },
            },
            {
              db,
              databaseUrl: context.databaseUrl,
              logger,
              stateDir: options.stateDir,
              env: context.env,
              now: context.now,
            },
          );
          ok &&= result.status === 'succeeded';
          row.training = {
            station,
            hours,
            status: result.status,
            seconds: result.seconds,
            ...(result.metrics?.rmse !== undefined ? { rmse: result.metrics.rmse } : {}),
            ...(result.metrics?.skill !== undefined ? { skill: result.metrics.skill } : {}),
            ...(result.error ? { error: result.error } : {}),
          };
        }
      }
      context.onDay(row);
    }
    return ok;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The station (as `LAT,LNG`) with the most hourly ozone rows: the one the demo trains on. */
async function busiestOzoneStation(pool: DatabasePool): Promise<string | undefined> {
  const { rows } = await pool.query<{ station: string }>(`
    SELECT trim_scale(s.lat_key)::text || ',' || trim_scale(s.lng_key)::text AS station
    FROM toar.timeseries t
    JOIN toar.variables v ON v.id = t.variable_id AND v.name = 'o3'
    JOIN toar.stationmeta_core s ON s.id = t.station_id
    CROSS JOIN LATERAL (SELECT count(*) AS n FROM toar.data d WHERE d.timeseries_id = t.id AND d.flags = 0) c
    WHERE t.averaging_minutes <= 60
    ORDER BY c.n DESC, s.lat_key, s.lng_key
    LIMIT 1`);
  return rows[0]?.station;
}

/** Hours with unflagged ozone at `station` before `until`. */
async function ozoneHours(pool: DatabasePool, station: string, until: number): Promise<number> {
  const [lat, lng] = station.split(',');
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(DISTINCT date_trunc('hour', d.datetime, 'UTC'))::integer AS n
     FROM toar.data d
     JOIN toar.timeseries t ON t.id = d.timeseries_id
     JOIN toar.variables v ON v.id = t.variable_id AND v.name = 'o3'
     JOIN toar.stationmeta_core s ON s.id = t.station_id
     WHERE s.lat_key = $1::numeric AND s.lng_key = $2::numeric AND t.averaging_minutes <= 60
       AND d.flags = 0 AND d.datetime < $3`,
    [lat, lng, new Date(until)],
  );
  return rows[0]?.n ?? 0;
}
