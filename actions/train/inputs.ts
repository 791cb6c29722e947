import { UsageError } from '../lib/errors.ts';
import { ActionInputs, inputLabel, type ReadInput } from '../lib/github/action-inputs.ts';
import { readDatabaseUrl } from '../lib/github/database-url.ts';
import { type RunnerEnv, workflowRunUrl } from '../lib/github/workflow-run.ts';
import { formatDuration, parseDuration } from '../lib/interval/duration.ts';
import {
  type OverrideLabels,
  type SelectionOverrides,
  selectionOverrideProblems,
} from '../lib/training/data/selection-request.ts';
import { parseProjectRef } from '../lib/training/project/project-ref.ts';
import {
  DEFAULT_TRAINING_TIMEOUT_MS,
  type TrainingRunOptions,
  tagProblems,
} from '../lib/training/run/runner-options.ts';
import { DEFAULT_TRAIN_EVERY_MS } from '../lib/training/run/schedule.ts';
import type { TriggeredTraining } from '../lib/training/run/train-when-due.ts';
import { parseKeyValueText } from '../lib/util/key-values.ts';

/** What an empty input means; action.yml documents the same defaults (a test keeps them equal). */
export const TRAIN_INPUT_DEFAULTS = {
  'entry-point': 'main',
  timeout: formatDuration(DEFAULT_TRAINING_TIMEOUT_MS),
  'train-every': formatDuration(DEFAULT_TRAIN_EVERY_MS),
  'check-only': 'false',
  'state-dir': '.freshet',
} as const;

/** The train action's options: a triggered run, the database it uses and the state folder. */
export interface TrainActionOptions extends TriggeredTraining {
  /** What runTraining is given, and the database (the `database-url` input). */
  readonly training: TrainingRunOptions & { readonly databaseUrl: string };
  readonly checkOnly: boolean;
  /** Artifacts go to `<stateDir>/runs/<run id>/`. */
  readonly stateDir: string;
}

/** How the selection inputs are named in the runner's messages. */
const SELECTION_LABELS: OverrideLabels = {
  station: inputLabel('station'),
  variable: inputLabel('variable'),
  window: inputLabel('window'),
  from: inputLabel('from'),
  to: inputLabel('to'),
};

/**
 * Reads the train action's inputs, collecting every problem. The trigger is the `event` input, else
 * the runner's GITHUB_EVENT_NAME; runs are tagged with it and with the workflow run's address.
 *
 * @throws UsageError listing every problem
 * @example parseTrainInputs((name) => core.getInput(name), process.env)
 */
export function parseTrainInputs(read: ReadInput, env: RunnerEnv): TrainActionOptions {
  const inputs = new ActionInputs(read);
  const project = inputs.parse('project', '', (text, label) => {
    try {
      parseProjectRef(text);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(
        error.problems.map((p) => `${label}: ${p}`),
        { cause: error },
      );
    }
    return text;
  });
  const entryPoint = inputs.text('entry-point', TRAIN_INPUT_DEFAULTS['entry-point']);
  const parameters = inputs.parse('parameters', '', parseKeyValueText);
  const givenTags = inputs.parse('tags', '', parseKeyValueText);
  for (const p of tagProblems(givenTags ?? {})) inputs.problem(`${inputLabel('tags')}: ${p}`);
  const selection: SelectionOverrides = Object.fromEntries(
    (['station', 'variable', 'window', 'from', 'to'] as const)
      .map((name) => [name, inputs.text(name)] as const)
      .filter(([, value]) => value !== ''),
  );
  // The overrides' own problems now; the runner checks them against the project's `data` again.
  for (const p of selectionOverrideProblems(selection, SELECTION_LABELS)) inputs.problem(p);
  const databaseUrl = readDatabaseUrl(inputs);
  const timeoutMs = inputs.parse('timeout', TRAIN_INPUT_DEFAULTS.timeout, parseDuration);
  const everyMs = inputs.parse('train-every', TRAIN_INPUT_DEFAULTS['train-every'], parseDuration);
  const checkOnly = inputs.boolean('check-only', false);
  const stateDir = inputs.text('state-dir', TRAIN_INPUT_DEFAULTS['state-dir']);
  const trigger = inputs.text('event', env.GITHUB_EVENT_NAME ?? '');
  inputs.finish();
  const runUrl = workflowRunUrl(env);
  // finish() returned: every value above parsed.
  return {
    training: {
      project: project!,
      entryPoint,
      parameters: parameters!,
      tags: {
        ...(trigger === '' ? {} : { trigger }),
        ...(runUrl === undefined ? {} : { run_url: runUrl }),
        ...givenTags!,
      },
      selection,
      selectionLabels: SELECTION_LABELS,
      databaseUrl: databaseUrl!,
      timeoutMs: timeoutMs!,
    },
    trigger,
    everyMs: everyMs!,
    checkOnly: checkOnly!,
    stateDir,
  };
}
