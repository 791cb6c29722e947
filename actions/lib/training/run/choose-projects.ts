// Which of a run's candidate projects train (train.yml's `projects` job): a project with nothing to
// train on (no station named anywhere, a station or series that is not in the database) is left
// out, and after new data (workflow_run, schedule) so is a project that is not due (schedule.ts).
// Deciding here, before any train job exists, means a data-triggered run creates a job only when
// one will train: no due-check waits in a concurrency group, where GitHub would cancel a pending
// push or dispatch job in its favour.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { describeError, SourceError, UsageError } from '../../errors.ts';
import type { Logger } from '../../util/logger.ts';
import {
  type OverrideLabels,
  resolveSelectionRequest,
  type SelectionOverrides,
} from '../data/selection-request.ts';
import { loadProject } from '../project/load-project.ts';
import { parseProjectRef } from '../project/project-ref.ts';
import { openProjectSource } from '../project/project-source.ts';
import { preflight } from './runner-plan.ts';
import { decideTraining, describeTrainingDecision, isRateLimited } from './schedule.ts';
import { readLatestSucceededRun, readRecentFailures } from './schedule-reads.ts';

/** One candidate and what was decided for it. */
export interface ProjectChoice {
  readonly project: string;
  /** `train`: it gets a job; `not-due`: trained or failed recently; `nothing-to-train-on`: see `reason`. */
  readonly outcome: 'train' | 'not-due' | 'nothing-to-train-on';
  /** One sentence for the log, the notice and the job summary. */
  readonly reason: string;
}

/** What the choice is made from. */
export interface ChooseProjectsOptions {
  /** The candidates (changed-projects.ts `projectsToTrain`). */
  readonly projects: readonly string[];
  /** The GitHub event that started the run. */
  readonly trigger: string;
  /** The least time between two data-triggered runs, ms. */
  readonly everyMs: number;
  /** What the run will select (its station and window inputs, FRESHET_TRAIN_STATION). */
  readonly selection: SelectionOverrides;
  /** How messages name the parts of `selection`. */
  readonly selectionLabels?: OverrideLabels | undefined;
  readonly remoteBaseUrl?: string | undefined;
}

/**
 * Decides, for each candidate, whether it trains. Never throws for one project's problem: a project
 * that cannot be read, or has nothing to train on, is left out with the reason.
 *
 * @throws DatabaseError when ops.training_runs cannot be read
 * @example
 * const choices = await chooseProjectsToTrain(
 *   { projects: ['training/ozone-forest'], trigger: 'workflow_run', everyMs: DAY, selection: { station: '12' } },
 *   { client, env: process.env, now: Date.now(), logger },
 * );
 * choices.filter((c) => c.outcome === 'train').map((c) => c.project)
 */
export async function chooseProjectsToTrain(
  options: ChooseProjectsOptions,
  context: {
    readonly client: pg.ClientBase;
    readonly env: Readonly<NodeJS.ProcessEnv>;
    readonly now: number;
    readonly logger: Logger;
  },
): Promise<ProjectChoice[]> {
  const choices: ProjectChoice[] = [];
  for (const project of options.projects) {
    const choice = await chooseOne(project, options, context);
    (choice.outcome === 'train' ? context.logger.info : context.logger.warn)(choice.reason);
    choices.push(choice);
  }
  return choices;
}

async function chooseOne(
  project: string,
  options: ChooseProjectsOptions,
  context: Parameters<typeof chooseProjectsToTrain>[1],
): Promise<ProjectChoice> {
  const scratch = await mkdtemp(join(tmpdir(), 'freshet-choose-'));
  try {
    let name: string;
    try {
      const source = await openProjectSource(parseProjectRef(project), {
        scratch,
        env: context.env,
        remoteBaseUrl: options.remoteBaseUrl,
      });
      const loaded = await loadProject(source.folder);
      name = loaded.name;
      const request = resolveSelectionRequest(
        loaded.data,
        options.selection,
        options.selectionLabels,
      );
      await preflight(context.client, request, context.now);
    } catch (error) {
      if (!(error instanceof UsageError) && !(error instanceof SourceError)) throw error;
      const hint = /station/.test(describeError(error))
        ? ' Set the repository variable FRESHET_TRAIN_STATION (a station id or LAT,LNG), or give a station to Run workflow.'
        : '';
      return {
        project,
        outcome: 'nothing-to-train-on',
        reason: `Leaving out ${project}: it has nothing to train on: ${describeError(error)}${hint}`,
      };
    }
    if (!isRateLimited(options.trigger)) {
      return {
        project,
        outcome: 'train',
        reason: `Training ${project}: a ${options.trigger || 'manual'} run always trains.`,
      };
    }
    const last = await readLatestSucceededRun(context.client, name);
    const failures = await readRecentFailures(context.client, name, last?.startedAt);
    const decision = decideTraining({
      trigger: options.trigger,
      everyMs: options.everyMs,
      now: context.now,
      last,
      failures,
    });
    const reason = describeTrainingDecision(decision, {
      experiment: name,
      everyMs: options.everyMs,
      now: context.now,
    });
    return { project, outcome: decision.train ? 'train' : 'not-due', reason };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
