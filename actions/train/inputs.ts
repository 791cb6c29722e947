import { UsageError } from '../lib/errors.ts';
import { ActionInputs, inputLabel, type ReadInput } from '../lib/github/action-inputs.ts';
import { readDatabaseUrl } from '../lib/github/database-url.ts';
import { type RunnerEnv, workflowRunUrl } from '../lib/github/workflow-run.ts';
import { formatDuration, parseDuration } from '../lib/interval/duration.ts';
import {
  type OverrideLabels,
  resolveSelectionRequest,
  type SelectionOverrides,
} from '../lib/training/data/selection-request.ts';
import { parseProjectRef } from '../lib/training/project/project-ref.ts';
import {
  DEFAULT_TRAINING_TIMEOUT_MS,
  type TrainingRunOptions,
  tagProblems,
} from '../lib/training/run/runner-options.ts';
import { DEFAULT_TRAIN_EVERY_MS } from '../lib/training/run/schedule.ts';

/** What an empty input means; action.yml documents the same defaults (a test keeps them equal). */
export const TRAIN_INPUT_DEFAULTS = {
  'entry-point': 'main',
  timeout: formatDuration(DEFAULT_TRAINING_TIMEOUT_MS),
  'train-every': formatDuration(DEFAULT_TRAIN_EVERY_MS),
  'check-only': 'false',
  'state-dir': '.freshet',
} as const;

/** The train action's options. */
export interface TrainActionOptions {
  /** What runTraining is given. */
  readonly training: TrainingRunOptions;
  /** The event that started the run: `workflow_run` and `schedule` are rate-limited. */
  readonly trigger: string;
  /** The least time between two rate-limited runs, ms. */
  readonly everyMs: number;
  /** Only decide whether training is due (outputs `skipped`), without training. */
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
 * Stands in for the project's `data` section while the inputs are checked on their own: only the
 * inputs' own problems (a malformed station, `from` without `to`) can show. The runner checks them
 * again against the real project.
 */
const PLACEHOLDER_DATA = { variable: 'o3', station: { kind: 'id', id: 1 }, window: 'P1D' } as const;

/**
 * Reads `key=value` items, one per line; a line of several `key=value` words separated by spaces
 * is several items (a workflow_dispatch form has a single line), while a value with spaces stays
 * whole on a line of its own. Blank lines are skipped.
 *
 * @throws UsageError naming every malformed item and repeated key
 * @example parseKeyValues('n_trees=50\nlabel=my model', "input 'parameters'") // { n_trees: '50', label: 'my model' }
 * @example parseKeyValues('n_trees=50 seed=1', "input 'parameters'") // { n_trees: '50', seed: '1' }
 */
export function parseKeyValues(text: string, label: string): Record<string, string> {
  const items: string[] = [];
  for (const line of text.split(/\r?\n/).map((l) => l.trim())) {
    if (line === '') continue;
    const words = line.split(/\s+/);
    if (words.length > 1 && words.every((w) => /^[^=]+=/.test(w))) items.push(...words);
    else items.push(line);
  }
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const item of items) {
    const at = item.indexOf('=');
    const key = at < 0 ? '' : item.slice(0, at).trim();
    if (key === '') {
      problems.push(
        `${label} item ${JSON.stringify(item)} is not key=value: write e.g. n_trees=50`,
      );
    } else if (Object.hasOwn(values, key)) {
      problems.push(`${label} gives ${key} twice: give it once`);
    } else values[key] = item.slice(at + 1).trim();
  }
  if (problems.length > 0) throw new UsageError(problems);
  return values;
}

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
  const parameters = inputs.parse('parameters', '', parseKeyValues);
  const givenTags = inputs.parse('tags', '', parseKeyValues);
  for (const p of tagProblems(givenTags ?? {})) inputs.problem(`${inputLabel('tags')}: ${p}`);
  const selection: SelectionOverrides = Object.fromEntries(
    (['station', 'variable', 'window', 'from', 'to'] as const)
      .map((name) => [name, inputs.text(name)] as const)
      .filter(([, value]) => value !== ''),
  );
  try {
    resolveSelectionRequest(PLACEHOLDER_DATA, selection, SELECTION_LABELS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    for (const p of error.problems) inputs.problem(p);
  }
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
