// When a triggered training run is due. A push or a manual dispatch always trains; a run triggered
// by new data (`workflow_run` after an ingest, or a `schedule`) trains at most once per
// `train-every`, measured from the start of the experiment's latest successful run in
// ops.training_runs — ingest completes 144 times a day, and a model a day is plenty. A failed run
// does not count, so the next trigger tries again. decideTraining is pure; readLatestSucceededRun
// and readExperimentName are its reads, and checkTrainingSchedule ties them together.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseError } from '../../errors.ts';
import { formatDuration, HOUR_MS } from '../../interval/duration.ts';
import { formatInstant } from '../../interval/instant.ts';
import { openDatabase } from '../../toar/database.ts';
import type { Logger } from '../../util/logger.ts';
import { loadProject } from '../project/load-project.ts';
import { parseProjectRef } from '../project/project-ref.ts';
import { openProjectSource } from '../project/project-source.ts';
import type { Queryable } from './run-record.ts';
import { formatSeconds, SHORT_ID } from './runs-format.ts';

/** The events whose runs are rate-limited: they fire on new data, not on a person's request. */
export const RATE_LIMITED_TRIGGERS: readonly string[] = ['workflow_run', 'schedule'];

/** How often a data-triggered run trains at most, unless told otherwise: once a day. */
export const DEFAULT_TRAIN_EVERY_MS = 24 * HOUR_MS;

/** Whether runs triggered by `trigger` (a GitHub event name) are rate-limited. */
export function isRateLimited(trigger: string): boolean {
  return RATE_LIMITED_TRIGGERS.includes(trigger);
}

/** An experiment's latest successful run, as far as the decision needs it. */
export interface LatestRun {
  readonly id: string;
  /** Epoch ms. */
  readonly startedAt: number;
}

/** Whether to train now, and why. */
export type TrainingDecision =
  /** A push or a dispatch: someone asked for this run. */
  | { readonly train: true; readonly why: 'requested'; readonly trigger: string }
  /** The experiment has never succeeded: nothing to wait for. */
  | { readonly train: true; readonly why: 'first'; readonly trigger: string }
  /** The latest successful run started at least `train-every` ago. */
  | {
      readonly train: true;
      readonly why: 'elapsed';
      readonly trigger: string;
      readonly last: LatestRun;
    }
  /** The latest successful run is too recent; training is due again from `nextAt`. */
  | {
      readonly train: false;
      readonly why: 'recent';
      readonly trigger: string;
      readonly last: LatestRun;
      readonly nextAt: number;
    };

/** What the decision is made from. */
export interface ScheduleFacts {
  /** The GitHub event that started the run (`push`, `workflow_run`, …). */
  readonly trigger: string;
  /** The least time between two data-triggered runs, ms. */
  readonly everyMs: number;
  /** The clock, epoch ms. */
  readonly now: number;
  /** The experiment's latest successful run, if it has one (unread for other triggers). */
  readonly last: LatestRun | undefined;
}

/**
 * Decides whether a triggered run trains. Pure.
 *
 * @example
 * decideTraining({ trigger: 'workflow_run', everyMs: 86_400_000, now, last: { id, startedAt: now - 3_600_000 } })
 * // { train: false, why: 'recent', trigger: 'workflow_run', last, nextAt: startedAt + 86_400_000 }
 */
export function decideTraining(facts: ScheduleFacts): TrainingDecision {
  const { trigger, everyMs, now, last } = facts;
  if (!isRateLimited(trigger)) return { train: true, why: 'requested', trigger };
  if (last === undefined) return { train: true, why: 'first', trigger };
  const nextAt = last.startedAt + everyMs;
  // A run "from the future" (another machine's clock ahead of ours) counts as recent: waiting a
  // little is better than training on every trigger until the clocks agree.
  if (now < nextAt) return { train: false, why: 'recent', trigger, last, nextAt };
  return { train: true, why: 'elapsed', trigger, last };
}

/**
 * The decision in one sentence, for the log and the job summary.
 *
 * @example
 * describeTrainingDecision(decision, { experiment: 'ozone-forest', everyMs: 86_400_000, now })
 * // 'Not training ozone-forest: its last successful run, 3f2a9c1e, started 2026-11-24T12:05:00Z
 * //  (3h00m ago), less than train-every (1d) ago. Training is due again from 2026-11-25T12:05:00Z; …'
 */
export function describeTrainingDecision(
  decision: TrainingDecision,
  context: {
    readonly experiment?: string | undefined;
    readonly everyMs: number;
    readonly now: number;
  },
): string {
  const name = context.experiment ?? 'the project';
  const every = `train-every (${formatDuration(context.everyMs)})`;
  const lastRun = (last: LatestRun) =>
    `its last successful run, ${last.id.slice(0, SHORT_ID)}, started ${formatInstant(last.startedAt)} (${formatSeconds(Math.max(0, context.now - last.startedAt))} ago)`;
  switch (decision.why) {
    case 'requested':
      return `Training ${name}: a ${decision.trigger || 'manual'} run always trains.`;
    case 'first':
      return `Training ${name}: it has no successful run yet.`;
    case 'elapsed':
      return `Training ${name}: ${lastRun(decision.last)}, at least ${every} ago.`;
    case 'recent':
      return (
        `Not training ${name}: ${lastRun(decision.last)}, less than ${every} ago. ` +
        `Training is due again from ${formatInstant(decision.nextAt)}; a push to the project or a manual run trains at once.`
      );
  }
}

/**
 * The experiment's latest successful run, by start, or undefined when it has none.
 *
 * @throws DatabaseError when ops.training_runs cannot be read
 */
export async function readLatestSucceededRun(
  db: Queryable,
  experiment: string,
): Promise<LatestRun | undefined> {
  try {
    const { rows } = await db.query(
      `SELECT id, started_at FROM ops.training_runs
       WHERE experiment = $1 AND status = 'succeeded'
       ORDER BY started_at DESC, id LIMIT 1`,
      [experiment],
    );
    const row = rows[0] as { id: string; started_at: Date } | undefined;
    return row === undefined ? undefined : { id: row.id, startedAt: row.started_at.getTime() };
  } catch (error) {
    throw new DatabaseError(
      `reading the latest successful run of ${experiment} from ops.training_runs failed`,
      { cause: error },
    );
  }
}

/**
 * The experiment a project records its runs under: the `name` in its freshet-project.yml. Another
 * repository's project is fetched at its pinned commit into a scratch folder to read it.
 *
 * @throws UsageError when the reference or the project file is wrong; SourceError when the project
 *   cannot be fetched
 */
export async function readExperimentName(
  project: string,
  options: { readonly env: NodeJS.ProcessEnv; readonly remoteBaseUrl?: string | undefined },
): Promise<string> {
  const ref = parseProjectRef(project);
  const scratch = await mkdtemp(join(tmpdir(), 'freshet-schedule-'));
  try {
    const source = await openProjectSource(ref, {
      scratch,
      env: options.env,
      remoteBaseUrl: options.remoteBaseUrl,
    });
    return (await loadProject(source.folder)).name;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** What {@link checkTrainingSchedule} needs. */
export interface ScheduleCheckOptions {
  /** The project, as runTraining takes it. */
  readonly project: string;
  readonly trigger: string;
  readonly everyMs: number;
  readonly databaseUrl?: string | undefined;
  readonly remoteBaseUrl?: string | undefined;
}

/** The decision, and the experiment it was made for (read only for rate-limited triggers). */
export interface ScheduleCheck {
  readonly decision: TrainingDecision;
  readonly experiment: string | undefined;
}

/**
 * Decides whether a triggered run trains: at once for a push or dispatch (nothing is read), else
 * from the project's experiment name and its latest successful run.
 *
 * @throws as readExperimentName, and DatabaseError when the database cannot be read
 * @example
 * const { decision } = await checkTrainingSchedule(
 *   { project: 'training/ozone-forest', trigger: 'workflow_run', everyMs: DEFAULT_TRAIN_EVERY_MS, databaseUrl },
 *   { logger, now: Date.now() },
 * );
 * if (!decision.train) return;
 */
export async function checkTrainingSchedule(
  options: ScheduleCheckOptions,
  context: {
    readonly logger: Logger;
    readonly now: number;
    readonly env?: NodeJS.ProcessEnv;
    /** For the embedded database, when no URL is given (default `.freshet`). */
    readonly stateDir?: string;
  },
): Promise<ScheduleCheck> {
  const facts = { trigger: options.trigger, everyMs: options.everyMs, now: context.now };
  if (!isRateLimited(options.trigger)) {
    return { decision: decideTraining({ ...facts, last: undefined }), experiment: undefined };
  }
  const experiment = await readExperimentName(options.project, {
    env: context.env ?? process.env,
    remoteBaseUrl: options.remoteBaseUrl,
  });
  const db = await openDatabase({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    stateDir: context.stateDir ?? '.freshet',
    logger: context.logger,
    maxConnections: 1,
  });
  try {
    const last = await readLatestSucceededRun(db.pool, experiment);
    return { decision: decideTraining({ ...facts, last }), experiment };
  } finally {
    await db.close();
  }
}
