// `node actions/train/projects.ts`: prints the training projects a run of train.yml trains, as a JSON
// array for its matrix (`[]`: none). train.yml's projects job runs it right after checkout and
// setup-node, before any `npm ci`: it imports Node's built-in modules and the library only.
//
// Reads from the environment:
//   GITHUB_EVENT_NAME       push, workflow_run, schedule or workflow_dispatch
//   GITHUB_SHA, BEFORE      the push's last commit and github.event.before
//   FRESHET_TRAIN_PROJECTS  the projects data-triggered runs train (default training/ozone-forest)
//   PROJECT                 the dispatch's project input
import { describeError } from '../lib/errors.ts';
import {
  gitChangedFiles,
  listProjectFolders,
  projectsToTrain,
} from '../lib/training/project/changed-projects.ts';

/** The variables {@link trainProjects} reads. */
export type ProjectsEnv = Readonly<Record<string, string | undefined>>;

/**
 * The projects to train, from the checkout at `root` and the runner's variables.
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

if (import.meta.main) {
  try {
    process.stdout.write(`${JSON.stringify(await trainProjects(process.cwd(), process.env))}\n`);
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    process.exitCode = 1;
  }
}
