// What `npm start` runs: the original design's evaluation (DESIGN.md, Origin), reproduced and
// extended. A warm-up week is ingested first, so that the first day already has history to train
// on; then, day by day as a scheduler would: ingest the day's intervals, select one station's ozone,
// train the example project, publish the version and promote it when it beats production, each task
// timed. The shell hands in the source (a local S3 API server seeded with generated fetches or
// archive objects, or real data; the archive's intervals are its days), the database and the
// registry store; this module opens nothing.
import { ingest } from '../ingest/index.ts';
import type { EvaluationDay } from '../ingest/status.ts';
import type { Source } from '../openaq/source.ts';
import type { Aliases } from '../registry/aliases.ts';
import { PRODUCTION, planPromotion } from '../registry/promote.ts';
import { publishRun } from '../registry/publish-run.ts';
import type { RegistryStore } from '../registry/store.ts';
import type { DatabasePool } from '../toar/database.ts';
import { findRun } from '../training/run/run-record.ts';
import { runTraining } from '../training/run/runner.ts';
import type { Logger } from '../util/logger.ts';

const DAY_MS = 86_400_000;

/** Days ingested before the first day of the table: a week of history to train on. */
export const WARM_UP_DAYS = 7;

export interface DemoOptions {
  /** The first day of the table, epoch ms at 00:00 UTC. */
  readonly start: number;
  readonly days: number;
  /** Days ingested before `start` (default {@link WARM_UP_DAYS}). */
  readonly warmUpDays?: number;
  /** The training project trained each day (the shell passes the example, training/ozone-forest). */
  readonly project: string;
  /** Where training runs keep their artifacts. */
  readonly stateDir: string;
  /** Parse threads of each ingest (the ingest's default: one per core). */
  readonly workers?: number;
}

/** A store the demo can publish to and promote in (the local store). */
export interface PromotingStore extends RegistryStore {
  setAliases(aliases: Aliases): Promise<void>;
}

/** The world the demo works in. */
export interface DemoContext {
  /** The TOAR database, migrated. */
  readonly db: DatabasePool;
  /** The same database's URL, handed to the training project's command. */
  readonly databaseUrl: string;
  /** Where the fetches are. */
  readonly source: Source;
  /** Where versions are published and promoted. */
  readonly store: PromotingStore;
  /** The environment the training project's command inherits. */
  readonly env: NodeJS.ProcessEnv;
  /** The clock, epoch ms. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Called once the warm-up is ingested, with the station the demo trains on. */
  readonly onWarmUp?: (warmUp: DemoWarmUp) => void;
  /** Called with each day's row as soon as the day is done. */
  readonly onDay: (day: DemoDay) => void;
}

/** The warm-up: what was ingested before the first day. */
export interface DemoWarmUp {
  readonly days: number;
  readonly records: number;
  readonly seconds: number;
  /** The station trained on (`LAT,LNG`), the one with the most ozone; undefined when none has any. */
  readonly station: string | undefined;
}

/** One day of the evaluation, as the table and the site's chart show it. */
export type DemoDay = EvaluationDay;

/** What the whole demo did. */
export interface DemoResult {
  /** Whether every object loaded and every day trained, published and was decided on. */
  readonly ok: boolean;
  readonly warmUp: DemoWarmUp;
  readonly days: readonly DemoDay[];
  /** The model's name (the project's), once a version is published. */
  readonly model: string | undefined;
}

const ingestOptions = (options: DemoOptions) =>
  options.workers === undefined ? {} : { workers: options.workers };

const seconds = (ms: number) => Math.round(ms / 10) / 100;

/**
 * Runs the evaluation: the warm-up, then each day in order, calling `onDay` with each row.
 *
 * @example
 * const result = await runDemo(
 *   { start: Date.UTC(2014, 0, 1), days: 10, project: 'training/ozone-forest', stateDir: '.freshet' },
 *   { db, databaseUrl, source, store: localStore('.freshet'), env: process.env, now: Date.now, logger, onDay: print },
 * );
 */
export async function runDemo(options: DemoOptions, context: DemoContext): Promise<DemoResult> {
  const { db, logger, source } = context;
  const warmUpDays = options.warmUpDays ?? WARM_UP_DAYS;
  const first = options.start - warmUpDays * DAY_MS;
  let ok = true;
  let warmUpReport: { lines: number; seconds: number } = { lines: 0, seconds: 0 };
  if (warmUpDays > 0) {
    const report = await ingest(
      { start: first, end: options.start, ...ingestOptions(options) },
      { source, db, logger },
    );
    ok &&= report.objects_failed === 0;
    warmUpReport = report;
  }
  const station = await busiestOzoneStation(db);
  const warmUp: DemoWarmUp = {
    days: warmUpDays,
    records: warmUpReport.lines,
    seconds: warmUpReport.seconds,
    station,
  };
  context.onWarmUp?.(warmUp);
  const days: DemoDay[] = [];
  let model: string | undefined;
  for (let index = 0; index < options.days; index++) {
    const dayStart = options.start + index * DAY_MS;
    const report = await ingest(
      { start: dayStart, end: dayStart + DAY_MS, ...ingestOptions(options) },
      { source, db, logger },
    );
    ok &&= report.objects_failed === 0;
    const listMs = await listingTime(db, dayStart);
    const row: Mutable<DemoDay> = {
      day: new Date(dayStart).toISOString().slice(0, 10),
      download: seconds(listMs),
      // The rest of the day's ingest: reading, converting and loading run as one stream.
      load: Math.max(0, Math.round((report.seconds - seconds(listMs)) * 100) / 100),
      selection: null,
      training: null,
      publication: null,
      records: report.lines,
      database_rows: await tableRows(db),
      training_rows: null,
      rmse: null,
      skill: null,
      version: null,
      promoted: false,
      error: null,
    };
    if (station === undefined) {
      row.error = 'no station has ozone yet';
      ok = false;
    } else {
      const outcome = await trainPublishPromote(options, context, {
        station,
        from: first,
        to: dayStart + DAY_MS,
        day: row.day,
      });
      Object.assign(row, outcome.row);
      model ??= outcome.model;
      ok &&= row.error === null;
    }
    days.push(row);
    context.onDay(row);
  }
  return { ok, warmUp, days, model };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One day's training, publication and promotion; failures become the row's error. */
async function trainPublishPromote(
  options: DemoOptions,
  context: DemoContext,
  window: { station: string; from: number; to: number; day: string },
): Promise<{ row: Partial<Mutable<DemoDay>>; model?: string }> {
  const { db, logger, store } = context;
  const result = await runTraining(
    {
      project: options.project,
      selection: {
        station: window.station,
        from: new Date(window.from).toISOString(),
        to: new Date(window.to).toISOString(),
      },
      tags: { trigger: 'demo', day: window.day },
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
  const selection = result.selectionMs === undefined ? null : seconds(result.selectionMs);
  const row: Partial<Mutable<DemoDay>> = {
    selection,
    // The run's whole time less the selection: installing (nothing, here), the command, copying.
    training: Math.max(0, Math.round((result.seconds - (selection ?? 0)) * 100) / 100),
    training_rows: result.rows,
    rmse: result.metrics?.rmse ?? null,
    skill: result.metrics?.skill ?? null,
  };
  if (result.status !== 'succeeded') {
    row.error = `training failed: ${result.error ?? 'see freshet runs'}`;
    return { row };
  }
  const started = performance.now();
  try {
    const published = await publishRun(store, {
      run: await findRun(db, result.runId),
      artifactsDir: result.artifactsDir,
      workflowRunUrl: null,
      logger,
    });
    const { name, version } = published.manifest;
    const plan = await planPromotion(store, { name, version, alias: PRODUCTION });
    // The first version becomes production; a later one when it beats production (on the test
    // window both predicted, when they share one).
    const promoted = plan.production === undefined || plan.comparison.better === 'candidate';
    if (promoted) await store.setAliases(plan.after);
    row.version = version;
    row.promoted = promoted;
    row.publication = seconds(performance.now() - started);
    return { row, model: name };
  } catch (error) {
    row.publication = seconds(performance.now() - started);
    row.error = `publication failed: ${error instanceof Error ? error.message : String(error)}`;
    return { row };
  }
}

/** Rows in `toar.data`: the database's size. */
async function tableRows(pool: DatabasePool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM toar.data');
  return Number(rows[0]?.n ?? 0);
}

/** Time spent listing the day's intervals' objects, their latest successful attempts. */
async function listingTime(pool: DatabasePool, dayStart: number): Promise<number> {
  const { rows } = await pool.query<{ list_ms: number }>(
    `SELECT coalesce(sum(list_ms), 0)::float8 AS list_ms
     FROM (SELECT DISTINCT ON (interval_start) list_ms FROM ops.ingest_runs
           WHERE status = 'succeeded' AND interval_start >= $1 AND interval_start < $2
           ORDER BY interval_start, started_at DESC) latest`,
    [new Date(dayStart), new Date(dayStart + DAY_MS)],
  );
  return rows[0]?.list_ms ?? 0;
}

/**
 * The station (as `LAT,LNG`) with the most hourly ozone rows: the one the demo trains on. Archive
 * series (averaging not stated) count as hourly material, as training's selection takes them.
 */
async function busiestOzoneStation(pool: DatabasePool): Promise<string | undefined> {
  const { rows } = await pool.query<{ station: string }>(`
    SELECT trim_scale(s.lat_key)::text || ',' || trim_scale(s.lng_key)::text AS station
    FROM toar.timeseries t
    JOIN toar.variables v ON v.id = t.variable_id AND v.name = 'o3'
    JOIN toar.stationmeta_core s ON s.id = t.station_id
    CROSS JOIN LATERAL (SELECT count(*) AS n FROM toar.data d WHERE d.timeseries_id = t.id AND d.flags = 0) c
    WHERE t.averaging_minutes <= 60 OR t.data_origin = 'openaq-archive'
    ORDER BY c.n DESC, s.lat_key, s.lng_key
    LIMIT 1`);
  return rows[0]?.station;
}
