// The registry shells' wiring: a store choice (flags or action inputs) becomes a store, a run id a
// published version. Apart from wiring.ts so that the ingest, plan and train bundles do not carry
// the GitHub client.
import { UsageError } from './lib/errors.ts';
import { createGitHubClient, type GitHubClient } from './lib/github/client.ts';
import { type RepositoryRef, workflowRunUrl } from './lib/github/workflow-run.ts';
import { githubStore } from './lib/registry/github-store.ts';
import { type LocalStore, localStore } from './lib/registry/local-store.ts';
import { type PublishResult, publishRun, runArtifactsDir } from './lib/registry/publish-run.ts';
import type { RegistryStore } from './lib/registry/store.ts';
import type { StoreKind } from './lib/settings/registry.ts';
import { findRun } from './lib/training/run/run-record.ts';
import { type ShellContext, usingDatabase } from './wiring.ts';

/** Which store, and how to reach GitHub's. */
export interface StoreSettings {
  readonly store: StoreKind;
  readonly repository?: RepositoryRef | undefined;
  readonly githubApiUrl?: string | undefined;
}

/** What the registry shells have besides the logger and the state folder. */
export interface RegistryShellContext extends ShellContext {
  readonly stateDir: string;
  /** GITHUB_TOKEN, GITHUB_SHA, the workflow run's variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  /** Client settings for tests (waits, spacing); the defaults otherwise. */
  readonly clientTuning?: {
    waitUnitMs?: number;
    writeSpacingMs?: number;
    contentSpacingMs?: number;
  };
}

/**
 * The GitHub client for `token` (default $GITHUB_TOKEN).
 *
 * @throws UsageError when there is no token
 */
export function githubClientFor(
  settings: StoreSettings,
  context: RegistryShellContext,
  token = context.env.GITHUB_TOKEN,
): GitHubClient {
  if (!token) {
    throw new UsageError(
      "--store github needs a token allowed to read and write the repository's contents: set GITHUB_TOKEN",
    );
  }
  return createGitHubClient({
    token,
    logger: context.logger,
    ...(settings.githubApiUrl ? { apiUrl: settings.githubApiUrl } : {}),
    ...context.clientTuning,
  });
}

/** The repository the settings name, or a usage error. */
export function repositoryOf(settings: StoreSettings): RepositoryRef {
  if (settings.repository === undefined) {
    throw new UsageError('--store github needs --repository OWNER/REPO or $GITHUB_REPOSITORY');
  }
  return settings.repository;
}

/**
 * The store the settings choose: the local folder under the state directory, or the repository's
 * releases.
 *
 * @example const store = registryStore({ store: 'local' }, context);
 */
export function registryStore(
  settings: StoreSettings,
  context: RegistryShellContext,
  options: { readonly client?: GitHubClient; readonly aliasesRef?: string } = {},
): RegistryStore {
  const now = context.now ?? Date.now;
  if (settings.store === 'local') return localStore(context.stateDir, { now });
  const commit = context.env.GITHUB_SHA;
  return githubStore({
    client: options.client ?? githubClientFor(settings, context),
    repository: repositoryOf(settings),
    logger: context.logger,
    now,
    ...(commit ? { commit } : {}),
    ...(options.aliasesRef === undefined ? {} : { aliasesRef: options.aliasesRef }),
  });
}

/** The local store of the state directory. */
export function localRegistry(context: RegistryShellContext): LocalStore {
  return localStore(context.stateDir, { now: context.now ?? Date.now });
}

/**
 * Publishes a recorded training run (found in the database by id or prefix) to the store.
 *
 * @example const { uri } = await publishWith({ run: '3f2a', store: 'local' }, context);
 */
export function publishWith(
  settings: StoreSettings & { readonly run: string; readonly databaseUrl?: string | undefined },
  context: RegistryShellContext,
  store: RegistryStore = registryStore(settings, context),
): Promise<PublishResult> {
  return usingDatabase(settings, context, async (db) => {
    const run = await findRun(db.pool, settings.run);
    return publishRun(store, {
      run,
      artifactsDir: runArtifactsDir(context.stateDir, run.id),
      workflowRunUrl: workflowRunUrl(context.env) ?? null,
      logger: context.logger,
    });
  });
}
