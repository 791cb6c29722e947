// What runTraining takes and gives: the one entry the command line and the train action call.
import type { DatabasePool } from '../../toar/database.ts';
import type { Logger } from '../../util/logger.ts';
import type { OverrideLabels, SelectionOverrides } from '../data/selection-request.ts';
import type { JsonValue } from '../forest/model-format.ts';
import type { ParameterValue } from '../project/parameters.ts';
import { showValue } from '../project/validation.ts';
import type { ArtifactRecord } from './artifacts.ts';
import type { RunEnvironment } from './environment.ts';
import type { RunFeatures } from './run-record.ts';

/** A project's command is stopped after this long unless told otherwise: 30 minutes. */
export const DEFAULT_TRAINING_TIMEOUT_MS = 30 * 60_000;

/**
 * What to train, on which data, and how. Only `project` is required: everything else has a
 * default or comes from the project's `freshet-project.yml`.
 *
 * @example
 * const options: TrainingRunOptions = {
 *   project: 'training/ozone-forest',                       // or 'acme/models/ozone@<40-hex sha>'
 *   parameters: { n_trees: '50' },                          // text, as from -P n_trees=50
 *   selection: { station: '12', window: 'P30D' },           // overrides the project's `data`
 *   tags: { trigger: 'push' },
 * };
 */
export interface TrainingRunOptions {
  /** A folder (`training/ozone-forest`, relative to the working directory) or another repository's project, `owner/repo/path@<40-hex commit sha>`. */
  readonly project: string;
  /** The entry point to run (default `main`). */
  readonly entryPoint?: string | undefined;
  /** Parameter values as text (`-P n_trees=50`), converted to their declared types; others take their defaults. */
  readonly parameters?: Readonly<Record<string, string>> | undefined;
  /** Free-form labels recorded with the run (`trigger=push`, `run_url=…`); names as metric names. */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** What to select, each part overriding the project's `data`: station, variable, window, or from and to. */
  readonly selection?: SelectionOverrides | undefined;
  /** How messages name the parts of `selection` (the command line passes `--station` and so on). */
  readonly selectionLabels?: OverrideLabels | undefined;
  /** Keep the training and feature tables after the run (default: dropped). */
  readonly keepTable?: boolean | undefined;
  /** How long the command may run (default 30 minutes); then its process group is killed. */
  readonly timeoutMs?: number | undefined;
  /** The run fails when the files its command wrote hold more than this (default 500 MB, `DEFAULT_MAX_ARTIFACT_BYTES`). */
  readonly maxArtifactBytes?: number | undefined;
  /** Repositories are fetched from `<base><owner>/<repo>` (default `https://github.com/`; tests use `file://`). */
  readonly remoteBaseUrl?: string | undefined;
  /** The index pip installs requirements.txt from, probed first (default the environment's `PIP_INDEX_URL`, else PyPI). */
  readonly packageIndexUrl?: string | undefined;
}

/**
 * The runner's surroundings, handed in by the shell (actions/wiring.ts): the runner opens no
 * database and reads no environment of its own.
 */
export interface TrainingContext {
  /** The database the data is selected from and the run recorded in (migrated). */
  readonly db: DatabasePool;
  /**
   * The same database as this repository's project command reaches it (its DATABASE_URL); another
   * repository's code gets no database URL at all. It holds a password: never logged, and never on
   * a command line (every user can read /proc/<pid>/cmdline).
   */
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** The state directory: artifacts go to `runs/<run id>/`, virtual environments to `venvs/`. */
  readonly stateDir: string;
  /** The environment passed on to git, installs and this repository's project (another repository's code sees none of it). */
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** Aborting stops the command; the run is recorded as failed (cancelled). */
  readonly signal?: AbortSignal | undefined;
}

/** How a run ended, as recorded in ops.training_runs. */
export interface TrainingRunResult {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed';
  /** The project's name. */
  readonly experiment: string;
  readonly projectRef: string;
  readonly projectCommit: string | null;
  readonly entryPoint: string;
  /** The command as run. */
  readonly command: string;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  /** params.json, metrics.json (null when the run failed before they were read). */
  readonly params: Readonly<Record<string, JsonValue>> | null;
  readonly metrics: Readonly<Record<string, number>> | null;
  readonly variable: string;
  readonly station: { readonly id: number; readonly name: string; readonly key: string };
  /** The data window `[from, to)`, epoch ms, once selected. */
  readonly from: number | null;
  readonly to: number | null;
  readonly rows: number | null;
  readonly tableSha256: string | null;
  readonly features: RunFeatures | null;
  /** The tables the run selected into; they exist after the run only when `kept`. */
  readonly tables: {
    readonly training: string;
    readonly features?: string;
    readonly kept: boolean;
  };
  /** Every file the project wrote, copied into `artifactsDir`. */
  readonly artifacts: readonly ArtifactRecord[];
  readonly artifactsDir: string;
  readonly environment: RunEnvironment | null;
  /** Why the run failed. */
  readonly error: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly seconds: number;
  /**
   * Milliseconds spent selecting the data into the training table and building the feature table
   * (the original design's "data selection" task); absent when the run failed before that ended.
   */
  readonly selectionMs?: number;
}

/** Tag names, like metric names, are what `--filter tag.name=value` can name. */
const TAG_NAME = /^[A-Za-z0-9_.:/-]{1,100}$/;
const MAX_TAG_VALUE = 1000;

/** Problems with run tags: names a filter can name, values of at most 1000 characters. */
export function tagProblems(tags: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(tags)) {
    if (!TAG_NAME.test(name)) {
      problems.push(
        `tag name ${showValue(name)} is not usable: use letters, digits and _ . - / : (at most 100)`,
      );
    }
    if (typeof value !== 'string' || value.length > MAX_TAG_VALUE) {
      problems.push(`tag ${name} must be text of at most ${MAX_TAG_VALUE} characters`);
    }
  }
  return problems;
}

/** The problem with a timeout, if any: a positive whole number of ms. */
export function timeoutProblem(timeoutMs: number | undefined): string | undefined {
  if (timeoutMs === undefined || (Number.isSafeInteger(timeoutMs) && timeoutMs > 0)) {
    return undefined;
  }
  return `the timeout must be a positive whole number of milliseconds, got ${showValue(timeoutMs)}`;
}
