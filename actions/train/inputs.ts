// The train action's inputs, read through their one description (lib/settings/train.ts) into the
// options of a triggered run, every problem collected.
import { ActionInputs, inputLabel, type ReadInput } from '../lib/github/action-inputs.ts';
import { type RunnerEnv, workflowRunUrl } from '../lib/github/workflow-run.ts';
import { inputDefaults } from '../lib/settings/setting.ts';
import { TRAIN } from '../lib/settings/train.ts';
import {
  type OverrideLabels,
  type SelectionOverrides,
  selectionOverrideProblems,
} from '../lib/training/data/selection-request.ts';
import { type TrainingRunOptions, tagProblems } from '../lib/training/run/runner-options.ts';
import type { TriggeredTraining } from '../lib/training/run/train-when-due.ts';

/** What an empty input means, from the description; action.yml documents the same (a test keeps them equal). */
export const TRAIN_INPUT_DEFAULTS = inputDefaults(TRAIN);

/** The train action's options: a triggered run, the database it uses and the state folder. */
export interface TrainActionOptions extends TriggeredTraining {
  /** What runTraining is given, and the database (the `database-url` input). */
  readonly training: TrainingRunOptions & { readonly databaseUrl: string };
  readonly checkOnly: boolean;
  /** Artifacts go to `<stateDir>/runs/<run id>/`. */
  readonly stateDir: string;
}

/** The selection inputs, in action.yml's order. */
const SELECTION = ['station', 'variable', 'window', 'from', 'to'] as const;

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
  // Read in action.yml's order, so that the problems are listed in it.
  const project = inputs.read(TRAIN.project);
  const entryPoint = inputs.read(TRAIN.entryPoint);
  const selection: SelectionOverrides = Object.fromEntries(
    SELECTION.map((name) => [name, inputs.read(TRAIN[name])] as const).filter(
      ([, value]) => value !== undefined && value !== '',
    ),
  );
  const parameters = inputs.read(TRAIN.parameters) ?? {};
  const givenTags = inputs.read(TRAIN.tags) ?? {};
  for (const p of tagProblems(givenTags)) inputs.problem(`${inputLabel('tags')}: ${p}`);
  // The overrides' own problems now; the runner checks them against the project's `data` again.
  for (const p of selectionOverrideProblems(selection, SELECTION_LABELS)) inputs.problem(p);
  const databaseUrl = inputs.read(TRAIN.databaseUrl);
  const timeoutMs = inputs.read(TRAIN.timeout);
  const maxArtifactBytes = inputs.read(TRAIN.maxArtifactBytes);
  const gitBase = inputs.read(TRAIN.gitBase);
  const everyMs = inputs.read(TRAIN.trainEvery);
  const trigger = inputs.read(TRAIN.event) ?? env.GITHUB_EVENT_NAME ?? '';
  const checkOnly = inputs.read(TRAIN.checkOnly);
  const stateDir = inputs.read(TRAIN.stateDir);
  const settings = inputs.finish({
    project,
    entryPoint,
    databaseUrl,
    timeoutMs,
    maxArtifactBytes,
    gitBase,
    everyMs,
    checkOnly,
    stateDir,
  });
  const runUrl = workflowRunUrl(env);
  return {
    training: {
      project: settings.project,
      entryPoint: settings.entryPoint,
      parameters,
      tags: {
        ...(trigger === '' ? {} : { trigger }),
        ...(runUrl === undefined ? {} : { run_url: runUrl }),
        ...givenTags,
      },
      selection,
      selectionLabels: SELECTION_LABELS,
      databaseUrl: settings.databaseUrl,
      timeoutMs: settings.timeoutMs,
      maxArtifactBytes: settings.maxArtifactBytes,
      remoteBaseUrl: settings.gitBase,
    },
    trigger,
    everyMs: settings.everyMs,
    checkOnly: settings.checkOnly,
    stateDir: settings.stateDir,
  };
}
