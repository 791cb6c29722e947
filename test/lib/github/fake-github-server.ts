// A local stand-in for GitHub's REST API, on 127.0.0.1: the four issue endpoints the failure report
// uses, answering with bodies shaped as GitHub documents them, and recording every request.
// GitHub's API has no local twin, so this is the one thing the tests fake.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined without one. */
  body: unknown;
}

/** An issue or pull request in the fake repository. */
export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  pullRequest: boolean;
  comments: string[];
}

/** A canned failure for the next request. */
interface Failure {
  status: number;
  body: unknown;
}

const OWNER = 'octo-org';
const REPO = 'freshet';

/** Options of {@link startFakeGitHub}. */
export interface FakeGitHubOptions {
  /** The token requests must carry (`Authorization: Bearer …`). */
  token: string;
  /** Simulates a token that may not set labels: GitHub then drops them silently. */
  dropLabels?: boolean;
  /** A repository with issues turned off (a fork's default): GitHub answers 410 Gone. */
  issuesDisabled?: boolean;
}

/** A running fake, with its state and requests open to assertions. */
export interface FakeGitHub {
  /** GITHUB_API_URL for it (with a path prefix, as on GitHub Enterprise Server). */
  apiUrl: string;
  owner: string;
  repo: string;
  requests: RecordedRequest[];
  issues: StoredIssue[];
  /** Adds an issue (or pull request) and returns it. */
  add(issue: Partial<StoredIssue> & { title: string }): StoredIssue;
  /** The next request is answered with this status and body instead. */
  failNext(status: number, body: unknown): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/issues/issues';
const PREFIX = '/api/v3';

function user() {
  return { login: 'github-actions[bot]', id: 41898282, type: 'Bot', site_admin: false };
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const issues: StoredIssue[] = [];
  const failures: Failure[] = [];
  let nextNumber = 1;
  let nextCommentId = 1000;
  let base = '';

  const repoUrl = () => `${base}/repos/${OWNER}/${REPO}`;
  const htmlUrl = (n: number, pr: boolean) =>
    `https://github.com/${OWNER}/${REPO}/${pr ? 'pull' : 'issues'}/${n}`;

  // The shape of GitHub's issue object (the fields of "Get an issue"), trimmed of nothing we use.
  function issueJson(issue: StoredIssue) {
    const url = `${repoUrl()}/issues/${issue.number}`;
    return {
      url,
      repository_url: repoUrl(),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: htmlUrl(issue.number, issue.pullRequest),
      id: 9_000_000 + issue.number,
      node_id: `I_kwDO${issue.number}`,
      number: issue.number,
      title: issue.title,
      user: user(),
      labels: issue.labels.map((name, i) => ({
        id: 100 + i,
        node_id: `LA_${name}`,
        url: `${repoUrl()}/labels/${name}`,
        name,
        color: 'ededed',
        default: false,
        description: null,
      })),
      state: issue.state,
      state_reason: issue.state_reason,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: issue.comments.length,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      closed_at: issue.state === 'closed' ? '2024-01-02T00:00:00Z' : null,
      author_association: 'NONE',
      body: issue.body,
      ...(issue.pullRequest
        ? {
            pull_request: {
              url: `${repoUrl()}/pulls/${issue.number}`,
              html_url: htmlUrl(issue.number, true),
              diff_url: `${htmlUrl(issue.number, true)}.diff`,
              patch_url: `${htmlUrl(issue.number, true)}.patch`,
              merged_at: null,
            },
          }
        : {}),
    };
  }

  function add(issue: Partial<StoredIssue> & { title: string }): StoredIssue {
    const stored: StoredIssue = {
      number: nextNumber++,
      body: '',
      state: 'open',
      state_reason: null,
      labels: [],
      pullRequest: false,
      comments: [],
      ...issue,
    };
    issues.push(stored);
    return stored;
  }

  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      raw += chunk;
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body: raw === '' ? undefined : (JSON.parse(raw) as unknown),
      };
      requests.push(recorded);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-github-api-version-selected': '2022-11-28',
          ...headers,
        });
        response.end(JSON.stringify(body));
      };
      const failure = failures.shift();
      if (failure !== undefined) return send(failure.status, failure.body);
      // Octokit sends `token …`; GitHub takes `Bearer …` as well.
      const authorization = request.headers.authorization;
      if (
        authorization !== `Bearer ${options.token}` &&
        authorization !== `token ${options.token}`
      ) {
        return send(401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        });
      }
      const route = respond(recorded);
      send(route.status, route.body, route.headers);
    });
  });

  function notFound(documentation: string) {
    return {
      status: 404,
      body: { message: 'Not Found', documentation_url: `${DOCS}#${documentation}`, status: '404' },
    };
  }

  function respond(r: RecordedRequest): {
    status: number;
    body: unknown;
    headers?: Record<string, string>;
  } {
    const repoPath = `${PREFIX}/repos/${OWNER}/${REPO}`;
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (options.issuesDisabled && r.path.startsWith(`${repoPath}/issues`)) {
      // As GitHub answers for a repository whose Issues feature is off.
      return {
        status: 410,
        body: {
          message: 'Issues are disabled for this repo',
          documentation_url: `${DOCS}#list-repository-issues`,
          status: '410',
        },
      };
    }
    if (r.path === `${repoPath}/issues` && r.method === 'GET') {
      const labels = (r.query.labels ?? '').split(',').filter(Boolean);
      const state = r.query.state ?? 'open';
      const perPage = Number(r.query.per_page ?? 30);
      const page = Number(r.query.page ?? 1);
      const direction = r.query.direction ?? 'desc';
      const matching = issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
      // GitHub's paging: a Link header names the next page while there is one.
      const next = new URL(`${base}${r.path.slice(PREFIX.length)}`);
      for (const [key, value] of Object.entries(r.query)) next.searchParams.set(key, value);
      next.searchParams.set('page', String(page + 1));
      return {
        status: 200,
        body: matching.slice((page - 1) * perPage, page * perPage).map(issueJson),
        ...(matching.length > page * perPage ? { headers: { link: `<${next}>; rel="next"` } } : {}),
      };
    }
    if (r.path === `${repoPath}/issues` && r.method === 'POST') {
      if (typeof body.title !== 'string' || body.title === '') {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
            documentation_url: `${DOCS}#create-an-issue`,
            status: '422',
          },
        };
      }
      const labels = Array.isArray(body.labels) ? body.labels.map(String) : [];
      const issue = add({
        title: body.title,
        body: typeof body.body === 'string' ? body.body : '',
        labels: options.dropLabels ? [] : labels,
      });
      return { status: 201, body: issueJson(issue) };
    }
    const comments = new RegExp(`^${repoPath}/issues/(\\d+)/comments$`).exec(r.path);
    if (comments !== null && r.method === 'POST') {
      const issue = issues.find((i) => i.number === Number(comments[1]));
      if (issue === undefined) return notFound('create-an-issue-comment');
      issue.comments.push(String(body.body));
      const id = nextCommentId++;
      return {
        status: 201,
        body: {
          id,
          node_id: `IC_${id}`,
          url: `${repoUrl()}/issues/comments/${id}`,
          html_url: `${htmlUrl(issue.number, false)}#issuecomment-${id}`,
          body: body.body,
          user: user(),
          created_at: '2024-01-01T00:00:00Z',
          updated_at: '2024-01-01T00:00:00Z',
          issue_url: `${repoUrl()}/issues/${issue.number}`,
          author_association: 'NONE',
        },
      };
    }
    const one = new RegExp(`^${repoPath}/issues/(\\d+)$`).exec(r.path);
    if (one !== null && r.method === 'PATCH') {
      const issue = issues.find((i) => i.number === Number(one[1]));
      if (issue === undefined) return notFound('update-an-issue');
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      if (typeof body.state_reason === 'string') issue.state_reason = body.state_reason;
      if (typeof body.body === 'string') issue.body = body.body;
      return { status: 200, body: issueJson(issue) };
    }
    return notFound('');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}${PREFIX}`;

  return {
    apiUrl: base,
    owner: OWNER,
    repo: REPO,
    requests,
    issues,
    add,
    failNext: (status, body) => failures.push({ status, body }),
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  };
}
