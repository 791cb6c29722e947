// When a triggered training run is due. A push or a manual dispatch always trains; a run triggered
// by new data (`workflow_run` after an ingest, or a `schedule`) trains at most once per
// `train-every`, measured from the start of the experiment's latest successful run in
// ops.training_runs — ingest completes 144 times a day, and a model a day is plenty. A failed run
// does not count as a success, but it is not retried at once either: after a failed data-triggered
// run the next one waits at least `train-every`, twice that after a second failure in a row, and so
// on up to a day (or `train-every`, if longer), so that a broken project does not retrain after
// every ingest. This module is the decision, pure (the job
// summary renders it without pulling in a database or a file system); schedule-reads.ts reads its
// facts and train-when-due.ts ties them to a run.
import { formatDuration, HOUR_MS } from '../../interval/duration.ts';
import { formatInstant } from '../../interval/instant.ts';
import { formatSeconds, SHORT_ID } from './runs-format.ts';

/** The events whose runs are rate-limited: they fire on new data, not on a person's request. */
const RATE_LIMITED_TRIGGERS: readonly string[] = ['workflow_run', 'schedule'];

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

/** The failed data-triggered runs of an experiment since its latest success (or ever). */
export interface RecentFailures {
  /** How many, at least 1. */
  readonly count: number;
  /** The latest of them. */
  readonly last: LatestRun;
}

/** The longest back-off after failures: a day, or `train-every` when that is longer. */
const MAX_BACKOFF_MS = DEFAULT_TRAIN_EVERY_MS;

/**
 * How long to wait after the latest of `failures` failed data-triggered runs in a row: `everyMs`,
 * doubling with each further failure, at most a day (or `everyMs`, if longer). Pure.
 *
 * @example backoffMs(6 * HOUR_MS, 1) === 6 * HOUR_MS; backoffMs(6 * HOUR_MS, 2) === 12 * HOUR_MS; backoffMs(6 * HOUR_MS, 5) === 24 * HOUR_MS
 */
export function backoffMs(everyMs: number, failures: number): number {
  const cap = Math.max(everyMs, MAX_BACKOFF_MS);
  if (failures < 1) return 0;
  // 2^(failures - 1) grows past any cap long before it loses precision.
  return Math.min(cap, everyMs * 2 ** Math.min(failures - 1, 40));
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
    }
  /** Data-triggered runs failed since the last success: backing off until `nextAt`. */
  | {
      readonly train: false;
      readonly why: 'backoff';
      readonly trigger: string;
      readonly failures: RecentFailures;
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
  /** Its failed data-triggered runs since then, if any. */
  readonly failures?: RecentFailures | undefined;
}

/**
 * Decides whether a triggered run trains. Pure.
 *
 * @example
 * decideTraining({ trigger: 'workflow_run', everyMs: 86_400_000, now, last: { id, startedAt: now - 3_600_000 } })
 * // { train: false, why: 'recent', trigger: 'workflow_run', last, nextAt: startedAt + 86_400_000 }
 */
export function decideTraining(facts: ScheduleFacts): TrainingDecision {
  const { trigger, everyMs, now, last, failures } = facts;
  if (!isRateLimited(trigger)) return { train: true, why: 'requested', trigger };
  if (failures !== undefined && failures.count > 0) {
    const retryAt = failures.last.startedAt + backoffMs(everyMs, failures.count);
    const successAt = last === undefined ? Number.NEGATIVE_INFINITY : last.startedAt + everyMs;
    if (now < retryAt && retryAt >= successAt) {
      return { train: false, why: 'backoff', trigger, failures, nextAt: retryAt };
    }
  }
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
    case 'backoff': {
      const { count, last } = decision.failures;
      const runs =
        count === 1 ? 'its last data-triggered run' : `its last ${count} data-triggered runs`;
      return (
        `Not training ${name}: ${runs} failed (the latest, ${last.id.slice(0, SHORT_ID)}, started ${formatInstant(last.startedAt)}), so it waits ${formatDuration(backoffMs(context.everyMs, count))} after it (${every}, doubling with each failure, up to a day). ` +
        `Training is due again from ${formatInstant(decision.nextAt)}; a push to the project or a manual run trains at once.`
      );
    }
  }
}

/** The decision, and the experiment it was made for (read only for rate-limited triggers). */
export interface ScheduleCheck {
  readonly decision: TrainingDecision;
  readonly experiment: string | undefined;
}
