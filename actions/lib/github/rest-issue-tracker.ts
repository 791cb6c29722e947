// IssueTracker over GitHub's REST API, through the one GitHub client (github/client.ts): its
// retries, rate-limit handling and Link paging.

import { GitHubApiError } from './api-error.ts';
import type { GitHubClient } from './client.ts';
import type { Issue, IssueComment, IssueTracker, NewIssue } from './issue-tracker.ts';
import { toGitHubApiError } from './request-error.ts';
import type { RepositoryRef } from './workflow-run.ts';

export { GITHUB_API_VERSION } from './client.ts';

/** Issues per page when listing: GitHub's maximum. */
export const PAGE_SIZE = 100;

/** A stop for a server that keeps sending full pages: 100 pages of 100 is 10,000 labelled items. */
const MAX_PAGES = 100;

/** Which repository, through which client. */
export interface RestIssueTrackerOptions {
  readonly client: GitHubClient;
  readonly repository: RepositoryRef;
}

/**
 * An IssueTracker for one repository, over GitHub's REST API:
 * `GET /repos/{owner}/{repo}/issues`, `POST /repos/{owner}/{repo}/issues`,
 * `POST /repos/{owner}/{repo}/issues/{number}/comments` and `PATCH /repos/{owner}/{repo}/issues/{number}`
 * (closing, and the body's counter of failures).
 *
 * @throws GitHubApiError (from every method) with the status and GitHub's message
 * @example
 * const client = createGitHubClient({ token, apiUrl: env.GITHUB_API_URL, logger });
 * const tracker = createRestIssueTracker({ client, repository: { owner: 'octo', repo: 'freshet' } });
 * const open = await tracker.findOpenIssue('ingest-failure');
 */
export function createRestIssueTracker(options: RestIssueTrackerOptions): IssueTracker {
  const { client } = options;
  const { owner, repo } = options.repository;
  const path = (rest: string) => `/repos/${owner}/${repo}${rest}`;

  async function call<T>(method: string, rest: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toGitHubApiError(error, method, path(rest), 'issues: write');
    }
  }

  function expectIssue(value: unknown, method: string, rest: string): Issue {
    const issue = toIssue(value);
    if (issue === undefined) {
      throw new GitHubApiError({
        status: 200,
        method,
        path: path(rest),
        apiMessage: 'the response is not an issue',
      });
    }
    return issue;
  }

  return {
    async findOpenIssue(label) {
      const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
        owner,
        repo,
        labels: label,
        state: 'open',
        sort: 'created',
        direction: 'asc',
        per_page: PAGE_SIZE,
      });
      let read = 0;
      const iterator = pages[Symbol.asyncIterator]();
      while (read < MAX_PAGES) {
        const next = await call('GET', '/issues', () => iterator.next());
        if (next.done === true) return undefined;
        read++;
        const items: unknown = next.value.data;
        if (!Array.isArray(items)) {
          throw new GitHubApiError({
            status: 200,
            method: 'GET',
            path: path('/issues'),
            apiMessage: 'the response is not a list',
          });
        }
        // The issues API lists pull requests too; they carry a `pull_request` member.
        const issue = items.find((item) => !isPullRequest(item));
        if (issue !== undefined) return expectIssue(issue, 'GET', '/issues');
      }
      return undefined;
    },

    async create(issue: NewIssue) {
      const { data } = await call('POST', '/issues', () =>
        client.rest.issues.create({ owner, repo, ...issue }),
      );
      return expectIssue(data, 'POST', '/issues');
    },

    async comment(issueNumber, body): Promise<IssueComment> {
      const rest = `/issues/${issueNumber}/comments`;
      const { data } = await call('POST', rest, () =>
        client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
      );
      const id = numberField(data, 'id');
      const url = stringField(data, 'html_url');
      if (id === undefined || url === undefined) {
        throw new GitHubApiError({
          status: 201,
          method: 'POST',
          path: path(rest),
          apiMessage: 'the response is not a comment',
        });
      }
      return { id, url };
    },

    async updateBody(issueNumber, body) {
      const rest = `/issues/${issueNumber}`;
      const { data } = await call('PATCH', rest, () =>
        client.rest.issues.update({ owner, repo, issue_number: issueNumber, body }),
      );
      return expectIssue(data, 'PATCH', rest);
    },

    async close(issueNumber) {
      const rest = `/issues/${issueNumber}`;
      const { data } = await call('PATCH', rest, () =>
        client.rest.issues.update({
          owner,
          repo,
          issue_number: issueNumber,
          state: 'closed',
          state_reason: 'completed',
        }),
      );
      return expectIssue(data, 'PATCH', rest);
    },
  };
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
  return { number, title, url, state, labels, body: stringField(value, 'body') ?? '' };
}
