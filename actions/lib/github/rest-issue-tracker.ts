// IssueTracker over GitHub's REST API, with fetch. The only module here that talks to GitHub.
import { describeError } from '../errors.ts';
import { GitHubApiError } from './api-error.ts';
import type { Issue, IssueComment, IssueTracker, NewIssue } from './issue-tracker.ts';
import type { RepositoryRef } from './workflow-run.ts';

/** The REST API version every request asks for (GitHub's current one when this was written). */
export const GITHUB_API_VERSION = '2022-11-28';

/** Issues per page when listing: GitHub's maximum. */
export const PAGE_SIZE = 100;

/** A stop for a server that keeps sending full pages: 100 pages of 100 is 10,000 labelled items. */
const MAX_PAGES = 100;

/** How to reach GitHub. */
export interface RestIssueTrackerOptions {
  /** GITHUB_API_URL: `https://api.github.com`, or `https://HOST/api/v3` on GitHub Enterprise Server. */
  apiUrl: string;
  /** A token allowed to write issues (the job's `github.token` with `issues: write`). */
  token: string;
  repository: RepositoryRef;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per request; defaults to 30 s, so a hung connection cannot hold the job until its timeout. */
  timeoutMs?: number;
}

/**
 * An IssueTracker for one repository, over GitHub's REST API:
 * `GET /repos/{owner}/{repo}/issues`, `POST /repos/{owner}/{repo}/issues`,
 * `POST /repos/{owner}/{repo}/issues/{number}/comments` and `PATCH /repos/{owner}/{repo}/issues/{number}`.
 *
 * @throws GitHubApiError (from every method) with the status and GitHub's message
 * @example
 * const tracker = createRestIssueTracker({
 *   apiUrl: process.env.GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL,
 *   token, repository: { owner: 'octo', repo: 'freshet' },
 * });
 * const open = await tracker.findOpenIssue('ingest-failure');
 */
export function createRestIssueTracker(options: RestIssueTrackerOptions): IssueTracker {
  const base = options.apiUrl.replace(/\/+$/, '');
  const repoPath = `/repos/${encodeURIComponent(options.repository.owner)}/${encodeURIComponent(options.repository.repo)}`;
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request(method: string, path: string, body?: object): Promise<unknown> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${options.token}`,
      'x-github-api-version': GITHUB_API_VERSION,
      // GitHub refuses requests without a User-Agent.
      'user-agent': 'freshet-actions',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new GitHubApiError(
        { status: undefined, method, path, apiMessage: describeError(error) },
        { cause: error },
      );
    }
    const json = parseJson(text);
    if (!response.ok) {
      throw new GitHubApiError({
        status: response.status,
        method,
        path,
        apiMessage: errorMessage(json) ?? (response.statusText || 'no message'),
        documentationUrl: stringField(json, 'documentation_url'),
      });
    }
    if (json === undefined) {
      throw new GitHubApiError({
        status: response.status,
        method,
        path,
        apiMessage: 'the response is not JSON',
      });
    }
    return json;
  }

  function expectIssue(value: unknown, method: string, path: string): Issue {
    const issue = toIssue(value);
    if (issue === undefined) {
      throw new GitHubApiError({
        status: 200,
        method,
        path,
        apiMessage: 'the response is not an issue',
      });
    }
    return issue;
  }

  return {
    async findOpenIssue(label) {
      for (let page = 1; page <= MAX_PAGES; page++) {
        const query = new URLSearchParams({
          labels: label,
          state: 'open',
          sort: 'created',
          direction: 'asc',
          per_page: String(PAGE_SIZE),
          page: String(page),
        });
        const path = `${repoPath}/issues?${query}`;
        const items = await request('GET', path);
        if (!Array.isArray(items)) {
          throw new GitHubApiError({
            status: 200,
            method: 'GET',
            path,
            apiMessage: 'the response is not a list',
          });
        }
        // The issues API lists pull requests too; they carry a `pull_request` member.
        const issue = items.find((item) => !isPullRequest(item));
        if (issue !== undefined) return expectIssue(issue, 'GET', path);
        if (items.length < PAGE_SIZE) return undefined;
      }
      return undefined;
    },

    async create(issue: NewIssue) {
      const path = `${repoPath}/issues`;
      return expectIssue(await request('POST', path, issue), 'POST', path);
    },

    async comment(issueNumber, body): Promise<IssueComment> {
      const path = `${repoPath}/issues/${issueNumber}/comments`;
      const json = await request('POST', path, { body });
      const id = numberField(json, 'id');
      const url = stringField(json, 'html_url');
      if (id === undefined || url === undefined) {
        throw new GitHubApiError({
          status: 201,
          method: 'POST',
          path,
          apiMessage: 'the response is not a comment',
        });
      }
      return { id, url };
    },

    async close(issueNumber) {
      const path = `${repoPath}/issues/${issueNumber}`;
      const json = await request('PATCH', path, { state: 'closed', state_reason: 'completed' });
      return expectIssue(json, 'PATCH', path);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

function numberField(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'number' && Number.isSafeInteger(field) ? field : undefined;
}

function isPullRequest(item: unknown): boolean {
  return isRecord(item) && item.pull_request !== undefined && item.pull_request !== null;
}

/** GitHub's error body: `message`, and for 422 an `errors` list naming fields and codes. */
function errorMessage(json: unknown): string | undefined {
  const message = stringField(json, 'message');
  if (message === undefined || !isRecord(json) || !Array.isArray(json.errors)) return message;
  const details = json.errors
    .map((e: unknown) =>
      typeof e === 'string'
        ? e
        : (stringField(e, 'message') ??
          [stringField(e, 'field'), stringField(e, 'code')].filter(Boolean).join(' ')),
    )
    .filter((d) => d !== '');
  return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
}

/** An issue from GitHub's JSON, or undefined when the fields we rely on are missing. */
function toIssue(value: unknown): Issue | undefined {
  const number = numberField(value, 'number');
  const title = stringField(value, 'title');
  const url = stringField(value, 'html_url');
  const state = stringField(value, 'state');
  if (number === undefined || title === undefined || url === undefined) return undefined;
  if (state !== 'open' && state !== 'closed') return undefined;
  const rawLabels = isRecord(value) && Array.isArray(value.labels) ? value.labels : [];
  // Labels arrive as objects with a name; GitHub documents plain strings as possible too.
  const labels = rawLabels
    .map((label: unknown) => (typeof label === 'string' ? label : stringField(label, 'name')))
    .filter((name): name is string => name !== undefined);
  return { number, title, url, state, labels };
}
