// The train action: inputs → the schedule check (train-schedule.ts) → runTraining() → outputs and the
// job summary, with a chart of the run's predictions.csv. It translates; the library decides.
import * as core from '@actions/core';
import { FreshetError } from '../lib/errors.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import { renderSkippedSummary, renderTrainSummary } from '../lib/github/train-summary.ts';
import { readRunPredictions } from '../lib/training/run/run-predictions.ts';
import { runTraining } from '../lib/training/run/runner.ts';
import type { TrainingRunResult } from '../lib/training/run/runner-options.ts';
import { checkTrainingSchedule, describeTrainingDecision } from '../lib/training/run/schedule.ts';

import { parseTrainInputs } from './inputs.ts';

/** The outputs run() writes, in action.yml's order. */
export const TRAIN_OUTPUTS = [
  'run-id',
  'status',
  'skipped',
  'metrics',
  'rmse',
  'skill',
  'artifacts-dir',
] as const;

/** How a train step ended. */
export type TrainOutcome =
  /** Not due: the experiment trained recently (rate-limited triggers only). */
  | { readonly kind: 'skipped' }
  /** Due, but only checked (`check-only`). */
  | { readonly kind: 'due' }
  | { readonly kind: 'ran'; readonly result: TrainingRunResult };

/** The action's outputs, as strings (what `core.setOutput` writes); every one, always. */
export function trainOutputs(
  outcome: TrainOutcome,
): Record<(typeof TRAIN_OUTPUTS)[number], string> {
  if (outcome.kind !== 'ran') {
    return {
      'run-id': '',
      status: outcome.kind,
      skipped: String(outcome.kind === 'skipped'),
      metrics: '{}',
      rmse: '',
      skill: '',
      'artifacts-dir': '',
    };
  }
  const { result } = outcome;
  const metric = (name: string) => {
    const value = result.metrics?.[name];
    return value === undefined ? '' : String(value);
  };
  return {
    'run-id': result.runId,
    status: result.status,
    skipped: 'false',
    metrics: JSON.stringify(result.metrics ?? {}),
    rmse: metric('rmse'),
    skill: metric('skill'),
    'artifacts-dir': result.artifactsDir,
  };
}

function setOutputs(outcome: TrainOutcome): void {
  for (const [name, value] of Object.entries(trainOutputs(outcome))) core.setOutput(name, value);
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  // A cancelled job stops the project's command (its whole process group); the run is recorded as
  // failed rather than left `running`.
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    const secrets = databaseUrlSecrets(core.getInput('database-url'));
    for (const secret of secrets) core.setSecret(secret);
    const options = parseTrainInputs((name) => core.getInput(name), process.env);
    const logger = actionsLogger(core);
    const now = Date.now();
    const { project, databaseUrl } = options.training;
    const check = await checkTrainingSchedule(
      { project, trigger: options.trigger, everyMs: options.everyMs, databaseUrl },
      { logger, now, stateDir: options.stateDir },
    );
    core.info(
      describeTrainingDecision(check.decision, {
        // A push or dispatch does not read the project here: the runner names its experiment.
        experiment: check.experiment ?? project,
        everyMs: options.everyMs,
        now,
      }),
    );
    if (!check.decision.train) {
      setOutputs({ kind: 'skipped' });
      if (process.env.GITHUB_STEP_SUMMARY) {
        await core.summary
          .addRaw(renderSkippedSummary(check, { project, everyMs: options.everyMs, now }))
          .write();
      }
      return;
    }
    if (options.checkOnly) {
      setOutputs({ kind: 'due' });
      return;
    }
    const result = await runTraining(options.training, {
      logger,
      stateDir: options.stateDir,
      signal: controller.signal,
    });
    const predictions = await readRunPredictions(result.artifactsDir);
    setOutputs({ kind: 'ran', result });
    if (predictions.kind === 'invalid') {
      core.warning(predictions.problems.join('\n'), { title: 'predictions.csv not charted' });
    }
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addRaw(renderTrainSummary(result, { trigger: options.trigger, predictions, secrets }))
        .write();
    }
    if (result.status === 'failed') {
      // Recorded as failed in ops.training_runs; failing the step makes the workflow say so too.
      throw new FreshetError(`training run ${result.runId} failed: ${result.error}`);
    }
  } catch (error) {
    core.setFailed(failureMessage(error));
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
