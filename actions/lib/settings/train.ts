// `freshet train` and the train action: which project, on which data, with what parameters.
import { UsageError } from '../errors.ts';
import { formatDuration, parseDuration } from '../interval/duration.ts';
import { DEFAULT_STATE_DIR } from '../state-dir.ts';
import { DEFAULT_GIT_BASE } from '../training/project/git-fetch.ts';
import { parseProjectRef } from '../training/project/project-ref.ts';
import { DEFAULT_MAX_ARTIFACT_BYTES } from '../training/run/artifacts.ts';
import { DEFAULT_TRAINING_TIMEOUT_MS } from '../training/run/runner-options.ts';
import { DEFAULT_TRAIN_EVERY_MS } from '../training/run/schedule.ts';
import { parseKeyValueText } from '../util/key-values.ts';
import { DATABASE_URL, jsonSwitch } from './common.ts';
import { parseBoolean, parseText, wholeNumber } from './parsers.ts';
import type { Setting } from './setting.ts';

/**
 * Checks a project reference (a folder, or `owner/repo/path@sha`), keeping its text: the runner
 * reads the project itself.
 *
 * @throws UsageError naming the setting, e.g. `--project: the project reference "a@main" is not pinned…`
 * @example parseProject('training/ozone-forest', '--project') === 'training/ozone-forest'
 */
export function parseProject(text: string, label: string): string {
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
}

/**
 * Checks the base URL other repositories are fetched from: an absolute URL git can fetch from.
 *
 * @throws UsageError naming the setting
 * @example parseGitBase('file:///srv/git/', '--git-base') === 'file:///srv/git/'
 */
export function parseGitBase(text: string, label: string): string {
  const base = text.trim();
  if (!/^(https?|file|ssh|git):\/\/./.test(base) || !URL.canParse(base)) {
    throw new UsageError(
      `${label}: ${JSON.stringify(text)} is not a URL git can fetch from: give one such as https://github.com/ or file:///srv/git/`,
    );
  }
  return base;
}

/**
 * The train settings, in action.yml's order. The selection (station, variable, window, from, to)
 * stays text: the runner checks it against the project's `data`, naming each by its label.
 * `parameters` and `tags` are `key=value` lists (lib/util/key-values.ts): repeated flags on the
 * command line (read with FlagReader.list), lines of one text in an input.
 */
export const TRAIN = {
  project: {
    name: 'project',
    help: 'a folder, or owner/repo/path@<40-hex commit sha> (fetched from GitHub)',
    placeholder: 'REF',
    parse: parseProject,
    cli: { flag: 'project', required: true },
    action: {
      input: 'project',
      description:
        'The training project: a folder of this repository holding freshet-project.yml ' +
        "(training/ozone-forest), or another repository's, owner/repo/path@<40-hex commit sha> (its " +
        'code runs as an OS user made for the run, with the data as CSV files and no database ' +
        'credentials).',
      required: true,
    },
  },
  entryPoint: {
    name: 'entry-point',
    help: 'the entry point to run',
    placeholder: 'NAME',
    default: 'main',
    parse: parseText,
    cli: { flag: 'entry-point' },
    action: {
      input: 'entry-point',
      description: 'The entry point of freshet-project.yml to run.',
    },
  },
  station: {
    name: 'station',
    help: 'a station id, or LAT,LNG (south and west are negative: -33.87,151.21)',
    placeholder: 'STATION',
    otherwise: "the project's data.station",
    parse: parseText,
    cli: { flag: 'station' },
    action: {
      input: 'station',
      description:
        'The station to train on, an id (12) or LAT,LNG (34.8378,-118.1234). Empty: the ' +
        "project's data.station.",
    },
  },
  variable: {
    name: 'variable',
    help: 'the variable, e.g. o3',
    placeholder: 'NAME',
    otherwise: "the project's data.variable",
    parse: parseText,
    cli: { flag: 'variable' },
    action: {
      input: 'variable',
      description: "The variable to select (o3, pm2p5, …). Empty for the project's data.variable.",
    },
  },
  window: {
    name: 'window',
    help: 'how much data, an ISO 8601 duration ending at the newest data (or at `to`), e.g. P365D',
    placeholder: 'DURATION',
    otherwise: "the project's data.window",
    parse: parseText,
    cli: { flag: 'window' },
    action: {
      input: 'window',
      description:
        'How much data, an ISO 8601 duration of whole hours ending at the newest data (P365D, ' +
        "PT72H). Empty: the project's data.window. Not with from and to.",
    },
  },
  from: {
    name: 'from',
    help: 'start of the window as a range of whole hours [from, to), instead of a duration',
    placeholder: 'ISO',
    parse: parseText,
    cli: { flag: 'from' },
    action: {
      input: 'from',
      description: 'Start of an exact window, a whole UTC hour (2014-01-01T00:00:00Z); needs `to`.',
    },
  },
  to: {
    name: 'to',
    help: 'end of the window (exclusive), a whole hour',
    placeholder: 'ISO',
    parse: parseText,
    cli: { flag: 'to' },
    action: {
      input: 'to',
      description:
        'End of the window (exclusive), a whole UTC hour: with `from`, exactly [from, to); with a ' +
        'window, where that duration ends.',
    },
  },
  parameters: {
    name: 'parameters',
    help: "a parameter's value (repeat for more); typed as the project declares it",
    placeholder: 'K=V',
    parse: parseKeyValueText,
    cli: { flag: 'param', short: 'P', multiple: true },
    action: {
      input: 'parameters',
      description:
        "The entry point's parameters, key=value, one per line (or several on one line separated " +
        'by spaces); the others take their defaults.',
    },
  },
  tags: {
    name: 'tags',
    help: 'a tag recorded with the run (repeat for more), e.g. -T trigger=push',
    placeholder: 'K=V',
    parse: parseKeyValueText,
    cli: { flag: 'tag', short: 'T', multiple: true },
    action: {
      input: 'tags',
      description:
        'Labels recorded with the run, key=value, one per line. trigger (the event) and run_url ' +
        '(this workflow run) are added unless given.',
    },
  },
  databaseUrl: DATABASE_URL,
  timeout: {
    name: 'timeout',
    help: "stop the project's command after this long (a multiple of 10 minutes: 30m, 2h)",
    placeholder: 'D',
    default: formatDuration(DEFAULT_TRAINING_TIMEOUT_MS),
    parse: parseDuration,
    cli: { flag: 'timeout' },
    action: {
      input: 'timeout',
      description:
        "How long the project's command may run (a multiple of 10 minutes: 30m, 2h); then its " +
        'whole process group is stopped and the run recorded as failed.',
    },
  },
  maxArtifactBytes: {
    name: 'max-artifact-bytes',
    help: 'fail the run when the files its command wrote hold more than N bytes in all',
    placeholder: 'N',
    default: String(DEFAULT_MAX_ARTIFACT_BYTES),
    parse: wholeNumber({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    cli: { flag: 'max-artifact-bytes' },
    action: {
      input: 'max-artifact-bytes',
      description:
        'The most bytes the files a run writes to FRESHET_OUTPUT_DIR may hold in all (500000000: ' +
        '500 MB); more fails the run, keeping none of them.',
    },
  },
  gitBase: {
    name: 'git-base',
    help: "where other repositories' projects are fetched from: <base><owner>/<repo>",
    placeholder: 'URL',
    default: DEFAULT_GIT_BASE,
    parse: parseGitBase,
    cli: { flag: 'git-base' },
    action: {
      input: 'git-base',
      description:
        "Where another repository's project is fetched from: git fetches <git-base><owner>/<repo> " +
        'exactly (nothing appended), so a mirror or a folder of bare repositories (file:///srv/git/) ' +
        'can serve them.',
    },
  },
  trainEvery: {
    name: 'train-every',
    help: 'after new data, train only when the latest successful run is at least this old',
    placeholder: 'D',
    default: formatDuration(DEFAULT_TRAIN_EVERY_MS),
    parse: parseDuration,
    action: {
      input: 'train-every',
      description:
        'For runs triggered by new data (workflow_run, schedule): train only when the ' +
        "experiment's latest successful run started at least this long ago (10m, 6h, 1d). A push " +
        'or a manual run always trains.',
    },
  },
  event: {
    name: 'event',
    help: 'the event that started the run, deciding whether train-every applies',
    placeholder: 'EVENT',
    otherwise: 'GITHUB_EVENT_NAME',
    parse: parseText,
    action: {
      input: 'event',
      description:
        'The event that started the run, deciding whether train-every applies. Empty for ' +
        'GITHUB_EVENT_NAME.',
    },
  },
  checkOnly: {
    name: 'check-only',
    help: 'only decide whether training is due, without training',
    default: 'false',
    parse: parseBoolean,
    action: {
      input: 'check-only',
      description:
        'Only decide whether training is due (outputs skipped and status), without training: a ' +
        'workflow can then skip installing dependencies when nothing is due.',
    },
  },
  stateDir: {
    name: 'state-dir',
    help: 'where runs keep their artifacts and Python environments',
    placeholder: 'DIR',
    default: DEFAULT_STATE_DIR,
    parse: parseText,
    action: {
      input: 'state-dir',
      description:
        'Where runs keep their artifacts (<state-dir>/runs/<run id>/) and Python environments.',
    },
  },
  keepTable: {
    name: 'keep-table',
    help: 'keep the training and feature tables (else they are dropped after the run)',
    default: 'false',
    parse: parseBoolean,
    cli: { flag: 'keep-table' },
  },
  json: jsonSwitch(
    'print {"run_id","status","rows","metrics","artifacts","seconds"} as the last line of ' +
      'stdout (and "error" when the run failed)',
  ),
} as const satisfies Record<string, Setting<unknown>>;
