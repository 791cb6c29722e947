// Facts about the workflow run an action executes in, from the variables the runner sets.

/** The runner's environment, as far as these functions read it. */
export type RunnerEnv = Readonly<Record<string, string | undefined>>;

/** GitHub.com's REST API, when the runner does not say otherwise (GitHub Enterprise Server does). */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/**
 * The address of this workflow run's attempt, recorded in `ops.ingest_runs` and in issues, or
 * `undefined` outside Actions.
 *
 * @example workflowRunUrl(process.env) // 'https://github.com/o/r/actions/runs/42/attempts/1'
 */
export function workflowRunUrl(env: RunnerEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!server || !repository || !runId) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}${attempt}`;
}

/** A repository as the REST API addresses it. */
export interface RepositoryRef {
  owner: string;
  repo: string;
}

/**
 * Reads `owner/repo` (GITHUB_REPOSITORY's form).
 * @returns undefined when the text is not of that form
 */
export function parseRepository(text: string): RepositoryRef | undefined {
  const [, owner, repo] =
    /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/.exec(text.trim()) ?? [];
  if (owner === undefined || repo === undefined || repo === '.' || repo === '..') return undefined;
  return { owner, repo };
}
