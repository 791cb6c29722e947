// Which training projects a run of train.yml trains: on a push, the project folders the push changed
// (training/<name>/ holding freshet-project.yml; all of them when the push's first commit is unknown,
// as on a new branch); after an ingest or on a schedule, the configured list
// (FRESHET_TRAIN_PROJECTS); on a dispatch, the project asked for. The choice is pure;
// listProjectFolders and gitChangedFiles read the checkout.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { runTool } from './tool.ts';

/** Where a repository keeps its training projects, one folder each. */
const PROJECTS_FOLDER = 'training';

/**
 * The file that makes a folder a project: project.ts's PROJECT_FILE (a test keeps them equal),
 * not imported from there because project.ts loads `yaml`, and this module runs in train.yml's
 * projects job before any `npm ci`, with Node's built-in modules only.
 */
export const PROJECT_FILE_NAME = 'freshet-project.yml';

/** What data-triggered runs train when FRESHET_TRAIN_PROJECTS is not set. */
export const DEFAULT_TRAIN_PROJECTS = 'training/ozone-forest';

/** `github.event.before` of a push that created its branch: there is no commit before it. */
const NO_COMMIT = /^0+$/;

/**
 * The project folders holding at least one of the changed files, sorted. A file outside every
 * project (training/README.md) changes none; a folder that is no longer a project (deleted by the
 * push) is not in `projectFolders`, so it is not trained.
 *
 * @param changedFiles paths relative to the repository root, `/`-separated
 * @param projectFolders the projects of the checkout (`training/ozone-forest`)
 * @example changedProjects(['training/a/train.ts', 'README.md'], ['training/a', 'training/b']) // ['training/a']
 */
export function changedProjects(
  changedFiles: readonly string[],
  projectFolders: readonly string[],
): string[] {
  const changed = projectFolders.filter((folder) =>
    changedFiles.some((file) => file.startsWith(`${folder}/`)),
  );
  return [...new Set(changed)].sort();
}

/**
 * Reads a list of projects as a repository variable holds it: references separated by commas,
 * spaces or line breaks, duplicates dropped, in the order given.
 *
 * @example parseProjectList('training/a, acme/models/ozone@0123…') // ['training/a', 'acme/models/ozone@0123…']
 */
export function parseProjectList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((item) => item !== ''))];
}

/** What {@link projectsToTrain} chooses from. */
export interface ProjectsInput {
  /** The event that started the workflow (`push`, `workflow_run`, `schedule`, `workflow_dispatch`). */
  readonly event: string;
  /** The projects of the checkout. */
  readonly projectFolders: readonly string[];
  /** The files a push changed; undefined when they cannot be known (a new branch, a force push). */
  readonly changedFiles: readonly string[] | undefined;
  /** FRESHET_TRAIN_PROJECTS ('' for the default). */
  readonly configured: string;
  /** The dispatch's `project` input ('' for the default). */
  readonly dispatched: string;
}

/**
 * The projects to train, in order, without duplicates.
 *
 * @throws UsageError for an event train.yml does not train on
 * @example
 * projectsToTrain({ event: 'push', projectFolders: ['training/a', 'training/b'], changedFiles: ['training/b/x.py'], configured: '', dispatched: '' })
 * // ['training/b']
 */
export function projectsToTrain(input: ProjectsInput): string[] {
  switch (input.event) {
    case 'push':
      return input.changedFiles === undefined
        ? [...input.projectFolders].sort()
        : changedProjects(input.changedFiles, input.projectFolders);
    case 'workflow_run':
    case 'schedule':
      return parseProjectList(input.configured || DEFAULT_TRAIN_PROJECTS);
    case 'workflow_dispatch':
      return parseProjectList(input.dispatched || DEFAULT_TRAIN_PROJECTS).slice(0, 1);
    default:
      throw new UsageError(
        `train.yml does not train on ${JSON.stringify(input.event)} events: it trains on push, workflow_run, schedule and workflow_dispatch`,
      );
  }
}

/** The projects of a checkout: `training/<name>` folders holding freshet-project.yml, sorted. */
export async function listProjectFolders(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(root, PROJECTS_FOLDER));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  const folders: string[] = [];
  for (const name of names.sort()) {
    const file = await stat(join(root, PROJECTS_FOLDER, name, PROJECT_FILE_NAME)).catch(
      () => undefined,
    );
    if (file?.isFile()) folders.push(`${PROJECTS_FOLDER}/${name}`);
  }
  return folders;
}

/**
 * The files changed between two commits of the checkout at `root`, or undefined when `before` is
 * unknown: all zeros (the push created the branch), empty, or not in the history (a force push, a
 * shallow clone).
 *
 * @throws FreshetError when git fails otherwise
 */
export async function gitChangedFiles(
  root: string,
  before: string,
  after: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Promise<string[] | undefined> {
  if (before.trim() === '' || NO_COMMIT.test(before.trim())) return undefined;
  const known = await runTool(
    'git',
    ['cat-file', '-e', `${before.trim()}^{commit}`],
    'looking up the commit before the push',
    { cwd: root, env, timeoutMs: 30_000 },
  ).then(
    () => true,
    () => false,
  );
  if (!known) return undefined;
  const { stdout } = await runTool(
    'git',
    ['diff', '--name-only', '-z', '--no-renames', before.trim(), after.trim(), '--'],
    'listing the files the push changed',
    { cwd: root, env, timeoutMs: 60_000 },
  );
  return stdout.split('\0').filter((file) => file !== '');
}
