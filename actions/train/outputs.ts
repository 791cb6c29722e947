// The train action's outputs: how a triggered run ended, as the strings `core.setOutput` writes.
import type { TrainingRunResult } from '../lib/training/run/runner-options.ts';

/** The outputs, in action.yml's order (a test keeps them equal). */
export const TRAIN_OUTPUTS = [
  'run-id',
  'status',
  'skipped',
  'metrics',
  'rmse',
  'skill',
  'artifacts-dir',
] as const;

/** As much of a TrainOutcome as the outputs show. */
export type OutputtedOutcome =
  | { readonly kind: 'skipped' | 'due' }
  | { readonly kind: 'ran'; readonly result: TrainingRunResult };

/**
 * The action's outputs, every one, always: empty where nothing ran.
 *
 * @example trainOutputs({ kind: 'skipped' }).skipped === 'true'
 */
export function trainOutputs(
  outcome: OutputtedOutcome,
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
