// ops.training_runs: a run is recorded as `running` before anything of the project runs, and
// finished as `succeeded` or `failed` with everything learnt on the way. The database edge of the
// runner and of runs.ts.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DatabaseError, UsageError } from '../../errors.ts';
import type { JsonValue } from '../forest/model-format.ts';
import type { ParameterValue } from '../project/parameters.ts';
import type { ArtifactRecord } from './artifacts.ts';
import type { RunEnvironment } from './environment.ts';

/** Where a run is. */
export type RunStatus = 'running' | 'succeeded' | 'failed';

/** The feature table of a run, when its project declares features. */
export interface RunFeatures {
  readonly names: readonly string[];
  readonly rows: number;
  readonly skippedForGaps: number;
}

/** One row of ops.training_runs. Instants are epoch ms. */
export interface TrainingRunRecord {
  readonly id: string;
  readonly experiment: string;
  readonly status: RunStatus;
  readonly tags: Readonly<Record<string, string>>;
  /** `training/ozone-forest` or `owner/repo/path@sha`. */
  readonly projectRef: string;
  /** The commit the project's code was at (unknown for a local folder outside git). */
  readonly projectCommit: string | null;
  readonly entryPoint: string;
  /** The command as run, parameters filled in. */
  readonly command: string;
  /** The entry point's parameters as given to the command. */
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  /** What the project logged in params.json (null until it did). */
  readonly params: Readonly<Record<string, JsonValue>> | null;
  readonly metrics: Readonly<Record<string, number>> | null;
  readonly variable: string;
  readonly stationId: number | null;
  readonly stationName: string | null;
  /** The station's key, `lat,lng` to 4 decimals. */
  readonly stationKey: string | null;
  /** The data window `[from, to)`. */
  readonly from: number | null;
  readonly to: number | null;
  readonly rows: number | null;
  readonly tableSha256: string | null;
  readonly features: RunFeatures | null;
  readonly environment: RunEnvironment | Record<string, never>;
  readonly artifacts: readonly ArtifactRecord[];
  readonly error: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
}

/** Anything that runs a query: a pool or a client. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** A new run id: 32 lower-case hex digits (a random UUID's, as MLflow's run ids). */
export function newRunId(): string {
  return randomUUID().replaceAll('-', '');
}

/** What is known when a run starts. */
export type RunStart = Pick<
  TrainingRunRecord,
  | 'id'
  | 'experiment'
  | 'tags'
  | 'projectRef'
  | 'projectCommit'
  | 'entryPoint'
  | 'command'
  | 'parameters'
  | 'variable'
  | 'stationId'
  | 'stationName'
  | 'stationKey'
  | 'startedAt'
> & {
  /** When a run still `running` counts as abandoned (epoch ms): see {@link expireAbandonedRuns}. */
  readonly deadlineAt: number;
};

/** What is known when a run ends (whatever it got to before failing). */
export type RunFinish = Pick<TrainingRunRecord, 'finishedAt'> & {
  readonly status: Exclude<RunStatus, 'running'>;
} & Partial<
    Pick<
      TrainingRunRecord,
      | 'params'
      | 'metrics'
      | 'from'
      | 'to'
      | 'rows'
      | 'tableSha256'
      | 'features'
      | 'environment'
      | 'artifacts'
      | 'error'
    >
  >;

const instant = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms);
const json = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** Records a run as `running`. */
export async function insertRun(db: Queryable, run: RunStart): Promise<void> {
  try {
    await db.query(
      `INSERT INTO ops.training_runs (id, experiment, status, tags, project_ref, project_commit,
         entry_point, command, parameters, variable, station_id, station_name, station_key, started_at,
         deadline_at)
       VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        run.id,
        run.experiment,
        json(run.tags),
        run.projectRef,
        run.projectCommit,
        run.entryPoint,
        run.command,
        json(run.parameters),
        run.variable,
        run.stationId,
        run.stationName,
        run.stationKey,
        instant(run.startedAt),
        instant(run.deadlineAt),
      ],
    );
  } catch (error) {
    throw new DatabaseError(`recording training run ${run.id} failed`, { cause: error });
  }
}

/** Records how a run ended; the duration is taken from its start. */
export async function finishRun(db: Queryable, id: string, finish: RunFinish): Promise<void> {
  try {
    await db.query(
      `UPDATE ops.training_runs SET status = $2, params = $3, metrics = $4, data_from = $5,
         data_to = $6, rows = $7, table_sha256 = $8, features = $9,
         environment = coalesce($10::jsonb, environment), artifacts = coalesce($11::jsonb, artifacts),
         error = $12, finished_at = $13::timestamptz,
         duration_ms = round(extract(epoch FROM $13::timestamptz - started_at) * 1000)
       WHERE id = $1`,
      [
        id,
        finish.status,
        json(finish.params),
        json(finish.metrics),
        instant(finish.from),
        instant(finish.to),
        finish.rows ?? null,
        finish.tableSha256 ?? null,
        json(finish.features),
        json(finish.environment),
        json(finish.artifacts),
        finish.error ?? null,
        instant(finish.finishedAt),
      ],
    );
  } catch (error) {
    throw new DatabaseError(`recording the end of training run ${id} failed`, { cause: error });
  }
}

const COLUMNS = `id, experiment, status, tags, project_ref, project_commit, entry_point, command,
  parameters, params, metrics, variable, station_id, station_name, station_key, data_from, data_to,
  rows, table_sha256, features, environment, artifacts, error, started_at, finished_at, duration_ms`;

// biome-ignore lint/suspicious/noExplicitAny: a row as pg returns it, read field by field below.
type Row = Record<string, any>;

const ms = (value: Date | null) => (value === null ? null : value.getTime());
const num = (value: string | number | null) => (value === null ? null : Number(value));

function toRecord(row: Row): TrainingRunRecord {
  return {
    id: row.id,
    experiment: row.experiment,
    status: row.status,
    tags: row.tags ?? {},
    projectRef: row.project_ref,
    projectCommit: row.project_commit,
    entryPoint: row.entry_point,
    command: row.command,
    parameters: row.parameters ?? {},
    params: row.params,
    metrics: row.metrics,
    variable: row.variable,
    stationId: num(row.station_id),
    stationName: row.station_name,
    stationKey: row.station_key,
    from: ms(row.data_from),
    to: ms(row.data_to),
    rows: row.rows,
    tableSha256: row.table_sha256,
    features: row.features,
    environment: row.environment ?? {},
    artifacts: row.artifacts ?? [],
    error: row.error,
    startedAt: row.started_at.getTime(),
    finishedAt: ms(row.finished_at),
    durationMs: num(row.duration_ms),
  };
}

/** Why an abandoned run failed. */
export const ABANDONED =
  'abandoned: the runner stopped (killed, or its machine went away) before the run finished';

/**
 * Marks every run still `running` past its deadline as failed ({@link ABANDONED}), finished at its
 * deadline, as ingest treats an expired lease. Readers call it first, so that a dead runner's run
 * does not stay `running` for ever. Returns the ids it marked.
 *
 * @param now the moment past which a deadline counts as missed (epoch ms; default the server's clock)
 * @example await expireAbandonedRuns(pool) // ['3f2a9c1e-…']
 */
export async function expireAbandonedRuns(db: Queryable, now?: number): Promise<string[]> {
  try {
    const { rows } = await db.query(
      `UPDATE ops.training_runs
       SET status = 'failed', error = $2, finished_at = deadline_at,
           duration_ms = (extract(epoch FROM deadline_at - started_at) * 1000)::bigint
       WHERE status = 'running' AND deadline_at < COALESCE($1::timestamptz, now())
       RETURNING id`,
      [now === undefined ? null : new Date(now), ABANDONED],
    );
    return rows.map((r) => (r as { id: string }).id);
  } catch (error) {
    throw new DatabaseError('marking abandoned training runs failed', { cause: error });
  }
}

/** The runs, newest first, of one experiment or of all (abandoned ones marked failed first). */
export async function readRuns(
  db: Queryable,
  options: { experiment?: string } = {},
): Promise<TrainingRunRecord[]> {
  await expireAbandonedRuns(db);
  try {
    const { rows } = await db.query(
      `SELECT ${COLUMNS} FROM ops.training_runs
       WHERE $1::text IS NULL OR experiment = $1 ORDER BY started_at DESC, id`,
      [options.experiment ?? null],
    );
    return rows.map(toRecord);
  } catch (error) {
    throw new DatabaseError('reading ops.training_runs failed', { cause: error });
  }
}

/**
 * The run whose id is `idOrPrefix` or starts with it (at least 4 hex digits, as the runs table
 * shows 8).
 *
 * @throws UsageError when no run, or more than one, matches
 */
export async function findRun(db: Queryable, idOrPrefix: string): Promise<TrainingRunRecord> {
  const prefix = idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-f]{4,32}$/.test(prefix)) {
    throw new UsageError(
      `${JSON.stringify(idOrPrefix)} is not a run id: give its 32 hex digits or a prefix of at least 4`,
    );
  }
  await expireAbandonedRuns(db);
  let rows: Row[];
  try {
    ({ rows } = await db.query(
      `SELECT ${COLUMNS} FROM ops.training_runs WHERE id LIKE $1 || '%' ORDER BY started_at LIMIT 3`,
      [prefix],
    ));
  } catch (error) {
    throw new DatabaseError('reading ops.training_runs failed', { cause: error });
  }
  const [row] = rows;
  if (row === undefined) throw new UsageError(`no training run has id ${prefix}`);
  if (rows.length > 1) {
    throw new UsageError(
      `${prefix} is the start of several run ids (${rows.map((r) => r.id).join(', ')}…): give more digits`,
    );
  }
  return toRecord(row);
}
