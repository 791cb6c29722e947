// The shells' wiring (DESIGN.md, Layout): settings read from flags, action inputs or a benchmark's
// constants become the objects the library takes — the source, the database (the embedded one when
// no URL is given), the logger. The library opens nothing itself; the command line, each action,
// bench/ and the tests come through here.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Progress } from './lib/ingest/index.ts';
import { ingest, plan } from './lib/ingest/index.ts';
import type { IngestReport, IngestSettings, PlanMatrix, PlanSettings } from './lib/ingest/types.ts';
import type { Source } from './lib/openaq/source.ts';
import { openLayoutSource, openSource } from './lib/openaq/source-url.ts';
import { DEFAULT_STATE_DIR } from './lib/state-dir.ts';
import { type Database, withDatabase } from './lib/toar/database.ts';
import { runTraining } from './lib/training/run/runner.ts';
import type {
  TrainingContext,
  TrainingRunOptions,
  TrainingRunResult,
} from './lib/training/run/runner-options.ts';
import {
  type TrainOutcome,
  type TriggeredTraining,
  trainWhenDue,
} from './lib/training/run/train-when-due.ts';
import type { Logger } from './lib/util/logger.ts';

/** What every shell has: where messages go and where the embedded database lives. */
export interface ShellContext {
  readonly logger: Logger;
  /** The state folder (default `.freshet` of the working directory). */
  readonly stateDir?: string;
  /** Where the embedded PostgreSQL's own log goes (default: nowhere). */
  readonly serverLog?: (message: string) => void;
}

/**
 * Runs `work` with the database the settings name, else the embedded one under the state folder
 * (migrated), then closes it.
 */
export function usingDatabase<T>(
  settings: { readonly databaseUrl?: string | undefined },
  context: ShellContext,
  work: (db: Database) => Promise<T>,
  maxConnections = 1,
): Promise<T> {
  return withDatabase(databaseOptions(settings, context, maxConnections), work);
}

function databaseOptions(
  settings: { readonly databaseUrl?: string | undefined },
  context: ShellContext,
  maxConnections: number,
) {
  return {
    ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : {}),
    stateDir: context.stateDir ?? DEFAULT_STATE_DIR,
    logger: context.logger,
    maxConnections,
    ...(context.serverLog ? { serverLog: context.serverLog } : {}),
  };
}

/** What names a source: where, how to reach it, its layout and (for the archive) its locations. */
export type SourceSettings = Pick<
  IngestSettings,
  | 'source'
  | 'region'
  | 'endpoint'
  | 'anonymous'
  | 'layout'
  | 'locations'
  | 'openaqApiKey'
  | 'openaqApiUrl'
>;

/**
 * The Source the settings name, in their layout (`auto`: told from its folders, and said), its
 * retries logged as warnings. The archive's `--locations all` list is kept for a day in the state
 * folder.
 *
 * @example const source = await sourceOf({ source: 's3://openaq-data-archive/records/csv.gz/', anonymous: true, layout: 'archive', locations }, context);
 */
export async function sourceOf(settings: SourceSettings, context: ShellContext): Promise<Source> {
  const { logger } = context;
  const options = {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    anonymous: settings.anonymous ?? false,
    onRetry: (message: string) => logger.warn(message),
  };
  const layout = settings.layout ?? 'auto';
  if (layout === 'realtime') return openSource(settings.source, options);
  const cacheFile = join(context.stateDir ?? DEFAULT_STATE_DIR, 'archive-locations.json');
  const opened = await openLayoutSource(settings.source, options, layout, settings.locations, {
    readText: (path) => readFile(path, 'utf8'),
    cache: {
      read: () => readFile(cacheFile, 'utf8'),
      write: async (text) => {
        await mkdir(dirname(cacheFile), { recursive: true });
        await writeFile(cacheFile, text);
      },
    },
    now: Date.now,
    log: (message) => logger.info(message),
    api: {
      fetch,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...(settings.openaqApiKey ? { apiKey: settings.openaqApiKey } : {}),
      ...(settings.openaqApiUrl ? { baseUrl: settings.openaqApiUrl } : {}),
    },
  });
  logger.info(`layout: ${opened.layout} (${opened.why})`);
  return opened.source;
}

/** Ingests as the settings say: their source into their database. */
export async function ingestWith(
  settings: IngestSettings,
  context: ShellContext & {
    readonly onProgress?: (progress: Progress) => void;
    /** Aborting stops the run (its started attempts recorded as failed) before the database closes. */
    readonly signal?: AbortSignal;
  },
): Promise<IngestReport> {
  const source = await sourceOf(settings, context);
  return usingDatabase(
    settings,
    context,
    (db) =>
      ingest(settings, {
        source,
        db: db.pool,
        logger: context.logger,
        ...(context.onProgress ? { onProgress: context.onProgress } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      }),
    3,
  );
}

/**
 * Plans as the settings say, from their database's `ops.ingest_runs` (recording `planned` leases
 * when `recordLeases`: the plan action does, the command line's look at a plan does not).
 */
export function planWith(
  settings: PlanSettings & {
    readonly recordLeases?: boolean;
    readonly runUrl?: string | undefined;
  },
  context: ShellContext,
): Promise<PlanMatrix> {
  const { databaseUrl: _databaseUrl, ...options } = settings;
  return usingDatabase(settings, context, (db) =>
    plan(options, { db: db.pool, logger: context.logger }),
  );
}

/** What the training shells have besides the logger and the state folder. */
export interface TrainShellContext extends ShellContext {
  /** The environment handed on to git, installs and the project's command (the shell's own). */
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /** Aborting stops the project's command; the run is recorded as failed. */
  readonly signal?: AbortSignal | undefined;
  /** The clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
}

/** Where the settings name a database (none: the embedded one). */
type WithDatabaseUrl<T> = T & { readonly databaseUrl?: string | undefined };

function trainingContext(db: Database, context: TrainShellContext): TrainingContext {
  return {
    db: db.pool,
    databaseUrl: db.url,
    logger: context.logger,
    stateDir: context.stateDir ?? DEFAULT_STATE_DIR,
    env: context.env,
    now: context.now ?? Date.now,
    ...(context.signal ? { signal: context.signal } : {}),
  };
}

/**
 * Runs a training project once, as the settings say, with the database they name.
 *
 * @example await trainWith({ project: 'training/ozone-forest', databaseUrl }, { logger, env: process.env })
 */
export function trainWith(
  settings: WithDatabaseUrl<TrainingRunOptions>,
  context: TrainShellContext,
): Promise<TrainingRunResult> {
  const { databaseUrl: _databaseUrl, ...options } = settings;
  return usingDatabase(
    settings,
    context,
    (db) => runTraining(options, trainingContext(db, context)),
    3,
  );
}

/**
 * A triggered run (the train action): trains when due, with the database the settings name.
 *
 * @example
 * const outcome = await trainWhenDueWith(
 *   { training: { project, databaseUrl }, trigger: 'workflow_run', everyMs: DEFAULT_TRAIN_EVERY_MS },
 *   { logger, env: process.env },
 * );
 */
export function trainWhenDueWith(
  settings: TriggeredTraining & { readonly training: WithDatabaseUrl<TrainingRunOptions> },
  context: TrainShellContext,
): Promise<TrainOutcome> {
  const { databaseUrl: _databaseUrl, ...training } = settings.training;
  return usingDatabase(
    settings.training,
    context,
    (db) => trainWhenDue({ ...settings, training }, trainingContext(db, context)),
    3,
  );
}
