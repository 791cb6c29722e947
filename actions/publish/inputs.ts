// The publish action's inputs, read through their one description (lib/settings/registry.ts).
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import {
  DEFAULT_GITHUB_API_URL,
  parseRepository,
  type RepositoryRef,
  type RunnerEnv,
} from '../lib/github/workflow-run.ts';
import { PUBLISH, type StoreKind } from '../lib/settings/registry.ts';

/** The publish action's options. */
export interface PublishActionOptions {
  readonly run: string;
  readonly store: StoreKind;
  readonly repository: RepositoryRef | undefined;
  readonly githubApiUrl: string;
  readonly alias: string;
  readonly pullRequest: boolean;
  readonly token: string;
  /** Opens the pull request instead of `token` when given. */
  readonly prToken: string | undefined;
  /** The registry site, linked from the pull request's body. */
  readonly siteUrl: string | undefined;
  readonly stateDir: string;
  readonly databaseUrl: string;
}

/**
 * Reads the inputs (the repository and API from the runner's GITHUB_REPOSITORY, GITHUB_API_URL).
 *
 * @throws UsageError listing every problem
 * @example parsePublishInputs((name) => core.getInput(name), process.env)
 */
export function parsePublishInputs(read: ReadInput, env: RunnerEnv): PublishActionOptions {
  const inputs = new ActionInputs(read);
  const run = inputs.read(PUBLISH.run);
  const store = inputs.read(PUBLISH.store);
  const alias = inputs.read(PUBLISH.alias);
  const pullRequest = inputs.read(PUBLISH.pullRequest);
  const token = inputs.read(PUBLISH.token);
  const prToken = inputs.read(PUBLISH.prToken);
  const siteUrl = inputs.read(PUBLISH.siteUrl);
  const stateDir = inputs.read(PUBLISH.stateDir);
  const databaseUrl = inputs.read(PUBLISH.databaseUrl);
  const repository = env.GITHUB_REPOSITORY ? parseRepository(env.GITHUB_REPOSITORY) : undefined;
  if (store === 'github' && repository === undefined) {
    inputs.problem(
      'store github needs the repository: GITHUB_REPOSITORY (set by the runner) is missing',
    );
  }
  const values = inputs.finish({ run, store, alias, pullRequest, token, stateDir, databaseUrl });
  return {
    ...values,
    repository,
    githubApiUrl: env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL,
    prToken: prToken === '' ? undefined : prToken,
    siteUrl,
  };
}
