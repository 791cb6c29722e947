// `node actions/train/dist/projects.js` (bundled: pg inside, no `npm ci`): the projects a run of
// train.yml trains, decided before any train job exists. The candidates come from the event (the
// projects a push changed, FRESHET_TRAIN_PROJECTS after new data, the dispatched one); a candidate
// with nothing to train on is left out, and after new data so is one that is not due (it trained
// recently, or backs off after failures). Each left-out project gets a notice and a line in the
// job summary; the JSON array of the others is the `projects` output (also printed last).
//
// Reads from the environment:
//   GITHUB_EVENT_NAME       push, workflow_run, schedule or workflow_dispatch
//   GITHUB_SHA, BEFORE      the push's last commit and github.event.before
//   FRESHET_TRAIN_PROJECTS  the projects data-triggered runs train (default training/ozone-forest)
//   PROJECT                 the dispatch's project input
//   STATION, WINDOW         the station (the dispatch's input, else FRESHET_TRAIN_STATION) and window
//   FRESHET_TRAIN_EVERY     least time between data-triggered runs (default 1d)
//   DATABASE_URL            the database (required: the schedule and the stations are read there)
//   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY   where the output and the summary go (when set)
import { appendFile } from 'node:fs/promises';
import pg from 'pg';
import { describeError, UsageError } from '../lib/errors.ts';
import { escapeCell } from '../lib/github/markdown.ts';
import { parseDuration } from '../lib/interval/duration.ts';
import type { SelectionOverrides } from '../lib/training/data/selection-request.ts';
import {
  gitChangedFiles,
  listProjectFolders,
  projectsToTrain,
} from '../lib/training/project/changed-projects.ts';
import { chooseProjectsToTrain, type ProjectChoice } from '../lib/training/run/choose-projects.ts';
import { DEFAULT_TRAIN_EVERY_MS } from '../lib/training/run/schedule.ts';
import type { Logger } from '../lib/util/logger.ts';

/** The variables {@link trainProjects} and {@link chooseFromEnvironment} read. */
export type ProjectsEnv = Readonly<Record<string, string | undefined>>;

/**
 * The candidate projects, from the checkout at `root` and the runner's variables.
 *
 * @throws UsageError for an event train.yml does not train on; FreshetError when git fails
 * @example await trainProjects(process.cwd(), process.env) // ['training/ozone-forest']
 */
export async function trainProjects(root: string, env: ProjectsEnv): Promise<string[]> {
  const event = env.GITHUB_EVENT_NAME ?? '';
  const projectFolders = await listProjectFolders(root);
  const changedFiles =
    event === 'push'
      ? await gitChangedFiles(root, env.BEFORE ?? '', env.GITHUB_SHA || 'HEAD', env)
      : undefined;
  return projectsToTrain({
    event,
    projectFolders,
    changedFiles,
    configured: env.FRESHET_TRAIN_PROJECTS ?? '',
    dispatched: env.PROJECT ?? '',
  });
}

/**
 * The candidates and what was decided for each, with the database DATABASE_URL names.
 *
 * @throws UsageError when DATABASE_URL or FRESHET_TRAIN_EVERY is missing or wrong
 */
export async function chooseFromEnvironment(
  root: string,
  env: ProjectsEnv,
  logger: Logger,
  now: number = Date.now(),
): Promise<ProjectChoice[]> {
  const databaseUrl = env.DATABASE_URL?.trim();
  if (!databaseUrl) {
    throw new UsageError(
      'DATABASE_URL is not set: add the secret DATABASE_URL to the `freshet` environment (Settings → Environments), which the projects job names',
    );
  }
  const everyMs = env.FRESHET_TRAIN_EVERY?.trim()
    ? parseDuration(env.FRESHET_TRAIN_EVERY, 'FRESHET_TRAIN_EVERY')
    : DEFAULT_TRAIN_EVERY_MS;
  const projects = await trainProjects(root, env);
  const selection: SelectionOverrides = {
    ...(env.STATION?.trim() ? { station: env.STATION.trim() } : {}),
    ...(env.WINDOW?.trim() ? { window: env.WINDOW.trim() } : {}),
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await chooseProjectsToTrain(
      {
        projects,
        trigger: env.GITHUB_EVENT_NAME ?? '',
        everyMs,
        selection,
        selectionLabels: { station: 'the station', window: 'the window' },
      },
      { client, env, now, logger },
    );
  } finally {
    await client.end();
  }
}

/** A workflow command's message: `%`, CR and LF escaped as the runner expects. */
function commandText(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** The job summary: one line per candidate. */
export function renderChoices(choices: readonly ProjectChoice[]): string {
  const label = { train: 'trains', 'not-due': 'not due', 'nothing-to-train-on': 'left out' };
  const rows = choices.map(
    (c) => `| \`${escapeCell(c.project)}\` | ${label[c.outcome]} | ${escapeCell(c.reason)} |`,
  );
  const body =
    rows.length === 0
      ? 'No project to train.'
      : ['| project | decision | why |', '|---|---|---|', ...rows].join('\n');
  return `## Training projects\n\n${body}\n`;
}

if (import.meta.main) {
  const logger: Logger = {
    info: (m) => process.stdout.write(`${m}\n`),
    warn: (m) => process.stdout.write(`${m}\n`),
    error: (m) => process.stderr.write(`${m}\n`),
  };
  try {
    const choices = await chooseFromEnvironment(process.cwd(), process.env, logger);
    for (const choice of choices) {
      if (choice.outcome === 'train') continue;
      const title = choice.outcome === 'not-due' ? 'Not due' : 'Nothing to train on';
      process.stdout.write(`::notice title=${title}::${commandText(choice.reason)}\n`);
    }
    const projects = JSON.stringify(
      choices.filter((c) => c.outcome === 'train').map((c) => c.project),
    );
    if (process.env.GITHUB_OUTPUT)
      await appendFile(process.env.GITHUB_OUTPUT, `projects=${projects}\n`);
    if (process.env.GITHUB_STEP_SUMMARY) {
      await appendFile(process.env.GITHUB_STEP_SUMMARY, renderChoices(choices));
    }
    process.stdout.write(`${projects}\n`);
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    process.exitCode = 1;
  }
}
