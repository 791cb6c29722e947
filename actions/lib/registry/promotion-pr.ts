// The promotion pull request: branch `promote/<name>` made afresh from the default branch's head,
// one commit changing models/aliases.json, and one open pull request for it, updated when it
// exists already.
import { Buffer } from 'node:buffer';
import type { GitHubClient } from '../github/client.ts';
import { statusOf, toGitHubApiError } from '../github/request-error.ts';
import type { RepositoryRef } from '../github/workflow-run.ts';
import { type Aliases, formatAliases, parseAliases } from './aliases.ts';
import { RegistryError } from './errors.ts';
import { ALIASES_PATH } from './github-store.ts';

/** The branch a model's promotions are proposed on. */
export function promotionBranch(name: string): string {
  return `promote/${name}`;
}

/** What to propose. */
export interface PromotionRequest {
  readonly name: string;
  /** Edits the default branch's aliases into the proposed ones. */
  readonly edit: (aliases: Aliases) => Aliases;
  readonly title: string;
  readonly body: string;
  readonly commitMessage: string;
}

/** The pull request opened or updated. */
export interface PromotionPullRequest {
  readonly number: number;
  readonly url: string;
  readonly branch: string;
  readonly created: boolean;
}

/**
 * Opens (or updates) the promotion pull request.
 *
 * @throws GitHubApiError when GitHub refuses (the message names the permission to grant)
 * @example
 * const pr = await openPromotionPullRequest(client, repository, { name, edit, title, body, commitMessage });
 */
export async function openPromotionPullRequest(
  client: GitHubClient,
  repository: RepositoryRef,
  request: PromotionRequest,
): Promise<PromotionPullRequest> {
  const { owner, repo } = repository;
  const call = async <T>(
    method: string,
    path: string,
    permission: string,
    run: () => Promise<T>,
  ) => {
    try {
      return await run();
    } catch (error) {
      throw toGitHubApiError(error, method, `/repos/${owner}/${repo}${path}`, permission);
    }
  };
  const branch = promotionBranch(request.name);
  const { data: repository_ } = await call('GET', '', 'contents: read', () =>
    client.rest.repos.get({ owner, repo }),
  );
  const base = repository_.default_branch;
  const { data: baseRef } = await call('GET', `/git/ref/heads/${base}`, 'contents: read', () =>
    client.rest.git.getRef({ owner, repo, ref: `heads/${base}` }),
  );
  const baseSha = baseRef.object.sha;

  // The branch restarts from the base each time, so the pull request holds exactly one change.
  const existing = await call('GET', `/git/ref/heads/${branch}`, 'contents: read', () =>
    client.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
  ).catch((error: unknown) => {
    if (statusOf(error) === 404) return undefined;
    throw error;
  });
  if (existing === undefined) {
    await call('POST', '/git/refs', 'contents: write', () =>
      client.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: baseSha }),
    );
  } else {
    await call('PATCH', `/git/refs/heads/${branch}`, 'contents: write', () =>
      client.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: baseSha, force: true }),
    );
  }

  const file = await call('GET', `/contents/${ALIASES_PATH}`, 'contents: read', () =>
    client.rest.repos.getContent({ owner, repo, path: ALIASES_PATH, ref: branch }),
  ).catch((error: unknown) => {
    if (statusOf(error) === 404) return undefined;
    throw error;
  });
  let current: Aliases = {};
  let sha: string | undefined;
  if (file !== undefined) {
    const data = file.data as { type?: string; content?: string; sha?: string };
    if (data.type !== 'file' || typeof data.content !== 'string') {
      throw new RegistryError(`${owner}/${repo}: ${ALIASES_PATH} is not a file`);
    }
    current = parseAliases(
      JSON.parse(Buffer.from(data.content, 'base64').toString('utf8')),
      `${owner}/${repo} ${ALIASES_PATH}`,
    );
    sha = data.sha;
  }
  const text = formatAliases(request.edit(current));
  await call('PUT', `/contents/${ALIASES_PATH}`, 'contents: write', () =>
    client.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: ALIASES_PATH,
      branch,
      message: request.commitMessage,
      content: Buffer.from(text).toString('base64'),
      ...(sha === undefined ? {} : { sha }),
    }),
  );

  const { data: open } = await call('GET', '/pulls', 'pull-requests: read', () =>
    client.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, base, state: 'open' }),
  );
  const [found] = open;
  if (found !== undefined) {
    const { data } = await call('PATCH', `/pulls/${found.number}`, 'pull-requests: write', () =>
      client.rest.pulls.update({
        owner,
        repo,
        pull_number: found.number,
        title: request.title,
        body: request.body,
      }),
    );
    return { number: data.number, url: data.html_url, branch, created: false };
  }
  const { data } = await call('POST', '/pulls', 'pull-requests: write', () =>
    client.rest.pulls.create({
      owner,
      repo,
      head: branch,
      base,
      title: request.title,
      body: request.body,
    }),
  );
  return { number: data.number, url: data.html_url, branch, created: true };
}
