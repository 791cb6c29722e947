// A triggered training run, start to end: whether it is due (schedule.ts decides, schedule-reads.ts
// reads the facts), then — unless only checking — the run itself (runner.ts). The train action is a
// translation of this one call: its inputs in, the outcome out.
import type { Queryable } from './run-record.ts';
import { runTraining } from './runner.ts';
import type { TrainingContext, TrainingRunOptions, TrainingRunResult } from './runner-options.ts';
import {
  decideTraining,
  describeTrainingDecision,
  isRateLimited,
  type ScheduleCheck,
} from './schedule.ts';
import {
  readExperimentName,
  readLatestSucceededRun,
  readRecentFailures,
} from './schedule-reads.ts';

/** What {@link checkTrainingSchedule} needs. */
export interface ScheduleCheckOptions {
  /** The project, as runTraining takes it. */
  readonly project: string;
  /** The GitHub event that started the run (`push`, `workflow_run`, …). */
  readonly trigger: string;
  /** The least time between two data-triggered runs, ms. */
  readonly everyMs: number;
  readonly remoteBaseUrl?: string | undefined;
}

/**
 * Decides whether a triggered run trains: at once for a push or dispatch (nothing is read), else
 * from the project's experiment name and its latest successful run.
 *
 * @param now the clock, epoch ms
 * @throws as readExperimentName, and DatabaseError when the database cannot be read
 * @example
 * const { decision } = await checkTrainingSchedule(
 *   { project: 'training/ozone-forest', trigger: 'workflow_run', everyMs: DEFAULT_TRAIN_EVERY_MS },
 *   { db: pool, env: process.env, now: Date.now() },
 * );
 * if (!decision.train) return;
 */
export async function checkTrainingSchedule(
  options: ScheduleCheckOptions,
  context: {
    readonly db: Queryable;
    readonly env: Readonly<NodeJS.ProcessEnv>;
    readonly now: number;
  },
): Promise<ScheduleCheck> {
  const facts = { trigger: options.trigger, everyMs: options.everyMs, now: context.now };
  if (!isRateLimited(options.trigger)) {
    return { decision: decideTraining({ ...facts, last: undefined }), experiment: undefined };
  }
  const experiment = await readExperimentName(options.project, {
    env: context.env,
    remoteBaseUrl: options.remoteBaseUrl,
  });
  const last = await readLatestSucceededRun(context.db, experiment);
  const failures = await readRecentFailures(context.db, experiment, last?.startedAt);
  return { decision: decideTraining({ ...facts, last, failures }), experiment };
}

/** A triggered run: what to train, on which trigger, how often at most. */
export interface TriggeredTraining {
  /** What runTraining is given. */
  readonly training: TrainingRunOptions;
  /** The event that started the run: `workflow_run` and `schedule` are rate-limited. */
  readonly trigger: string;
  /** The least time between two rate-limited runs, ms. */
  readonly everyMs: number;
  /** Only decide whether training is due, without training. */
  readonly checkOnly?: boolean | undefined;
}

/** How a triggered run ended; each holds the schedule's check, and its moment. */
export type TrainOutcome =
  /** Not due: the experiment trained recently (rate-limited triggers only). */
  | { readonly kind: 'skipped'; readonly check: ScheduleCheck; readonly checkedAt: number }
  /** Due, but only checked (`checkOnly`). */
  | { readonly kind: 'due'; readonly check: ScheduleCheck; readonly checkedAt: number }
  /** Trained: the run's result, succeeded or failed. */
  | {
      readonly kind: 'ran';
      readonly check: ScheduleCheck;
      readonly checkedAt: number;
      readonly result: TrainingRunResult;
    };

/**
 * Checks whether a triggered run is due, logs the decision in one sentence, and — when it is due
 * and not `checkOnly` — trains. A failed run is an outcome (`ran`, status `failed`), not an error.
 *
 * @throws as checkTrainingSchedule and runTraining (problems found before a run is recorded)
 * @example
 * const outcome = await trainWhenDue(
 *   { training: { project: 'training/ozone-forest' }, trigger: 'workflow_run', everyMs: DEFAULT_TRAIN_EVERY_MS },
 *   { db: pool, databaseUrl, logger, stateDir: '.freshet', env: process.env, now: Date.now },
 * );
 * if (outcome.kind === 'ran') outcome.result.status // 'succeeded'
 */
export async function trainWhenDue(
  request: TriggeredTraining,
  context: TrainingContext,
): Promise<TrainOutcome> {
  const { training, trigger, everyMs } = request;
  const checkedAt = context.now();
  const check = await checkTrainingSchedule(
    {
      project: training.project,
      trigger,
      everyMs,
      remoteBaseUrl: training.remoteBaseUrl,
    },
    { db: context.db, env: context.env, now: checkedAt },
  );
  context.logger.info(
    describeTrainingDecision(check.decision, {
      // A push or dispatch does not read the project here: the runner names its experiment.
      experiment: check.experiment ?? training.project,
      everyMs,
      now: checkedAt,
    }),
  );
  if (!check.decision.train) return { kind: 'skipped', check, checkedAt };
  if (request.checkOnly) return { kind: 'due', check, checkedAt };
  return { kind: 'ran', check, checkedAt, result: await runTraining(training, context) };
}
