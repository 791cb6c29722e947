// The train action: inputs → trainWhenDue (whether the run is due, then the run) → outputs and the
// job summary, with a chart of the run's predictions.csv. It translates; the library decides.
import * as core from '@actions/core';
import { FreshetError } from '../lib/errors.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import { renderSkippedSummary, renderTrainSummary } from '../lib/github/train-summary.ts';
import { readRunPredictions } from '../lib/training/run/run-predictions.ts';
import type { TrainOutcome } from '../lib/training/run/train-when-due.ts';
import { disableOnnxTelemetry } from '../onnx-telemetry.ts';
import { abortOnSignals } from '../signals.ts';
import { trainWhenDueWith } from '../wiring.ts';
import { parseTrainInputs, type TrainActionOptions } from './inputs.ts';
import { trainOutputs } from './outputs.ts';

export { TRAIN_OUTPUTS, trainOutputs } from './outputs.ts';

/** The job summary of an outcome, if it has one (a run only checked has none). */
async function summaryOf(
  outcome: TrainOutcome,
  options: TrainActionOptions,
  secrets: readonly string[],
): Promise<string | undefined> {
  if (outcome.kind === 'skipped') {
    const { project } = options.training;
    return renderSkippedSummary(outcome.check, {
      project,
      everyMs: options.everyMs,
      now: outcome.checkedAt,
    });
  }
  if (outcome.kind !== 'ran') return undefined;
  const predictions = await readRunPredictions(outcome.result.artifactsDir);
  if (predictions.kind === 'invalid') {
    core.warning(predictions.problems.join('\n'), { title: 'predictions.csv not charted' });
  }
  return renderTrainSummary(outcome.result, { trigger: options.trigger, predictions, secrets });
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  disableOnnxTelemetry(process.env);
  try {
    const secrets = databaseUrlSecrets(core.getInput('database-url'));
    for (const secret of secrets) core.setSecret(secret);
    const options = parseTrainInputs((name) => core.getInput(name), process.env);
    // A cancelled job stops the project's command; the run is recorded as failed, not left running.
    const outcome = await abortOnSignals((signal) =>
      trainWhenDueWith(options, {
        logger: actionsLogger(core),
        stateDir: options.stateDir,
        env: process.env,
        signal,
      }),
    );
    for (const [name, value] of Object.entries(trainOutputs(outcome))) core.setOutput(name, value);
    const summary = await summaryOf(outcome, options, secrets);
    if (summary !== undefined && process.env.GITHUB_STEP_SUMMARY) {
      await core.summary.addRaw(summary).write();
    }
    if (outcome.kind === 'ran' && outcome.result.status === 'failed') {
      // Recorded as failed in ops.training_runs; failing the step makes the workflow say so too.
      const { runId, error } = outcome.result;
      throw new FreshetError(`training run ${runId} failed: ${error}`);
    }
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}
