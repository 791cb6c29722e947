import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubApiError } from '../../../actions/lib/github/api-error.ts';
import type { IssueTracker } from '../../../actions/lib/github/issue-tracker.ts';
import {
  createRestIssueTracker,
  GITHUB_API_VERSION,
  PAGE_SIZE,
} from '../../../actions/lib/github/rest-issue-tracker.ts';
import { type FakeGitHub, startFakeGitHub } from './fake-github-server.ts';
import { testClient } from './test-client.ts';

const TOKEN = 'ghs_test-token';

let github: FakeGitHub;
let tracker: IssueTracker;

beforeEach(async () => {
  github = await startFakeGitHub({ token: TOKEN });
  tracker = createRestIssueTracker({
    client: testClient(github.apiUrl, TOKEN),
    repository: { owner: github.owner, repo: github.repo },
  });
});

afterEach(async () => {
  await github.close();
});

describe('every request', () => {
  it('authenticates with the token, asks for the pinned API version and names itself', async () => {
    await tracker.findOpenIssue('ingest-failure');
    const [request] = github.requests;
    expect(request?.headers.authorization).toBe(`token ${TOKEN}`);
    expect(request?.headers['x-github-api-version']).toBe(GITHUB_API_VERSION);
    expect(request?.headers.accept).toBe('application/vnd.github+json');
    expect(request?.headers['user-agent']).toMatch(/\S/);
  });

  it('keeps the path of GITHUB_API_URL (GitHub Enterprise Server serves the API under /api/v3)', async () => {
    await tracker.findOpenIssue('ingest-failure');
    expect(github.requests[0]?.path).toBe('/api/v3/repos/octo-org/freshet/issues');
  });
});

describe('findOpenIssue', () => {
  it('lists open issues with the label, oldest first, a full page at a time', async () => {
    await tracker.findOpenIssue('ingest-failure');
    expect(github.requests[0]).toMatchObject({
      method: 'GET',
      query: {
        labels: 'ingest-failure',
        state: 'open',
        sort: 'created',
        direction: 'asc',
        per_page: String(PAGE_SIZE),
      },
    });
  });

  it('returns the oldest open issue with the label', async () => {
    github.add({ title: 'other', labels: ['bug'] });
    github.add({ title: 'closed one', labels: ['ingest-failure'], state: 'closed' });
    const oldest = github.add({ title: 'first', labels: ['ingest-failure'] });
    github.add({ title: 'second', labels: ['ingest-failure'] });
    const found = await tracker.findOpenIssue('ingest-failure');
    expect(found).toEqual({
      number: oldest.number,
      title: 'first',
      url: `https://github.com/octo-org/freshet/issues/${oldest.number}`,
      state: 'open',
      labels: ['ingest-failure'],
      body: '',
    });
  });

  it('passes over pull requests, which the issues API lists too', async () => {
    github.add({ title: 'a pull request', labels: ['ingest-failure'], pullRequest: true });
    const issue = github.add({ title: 'the issue', labels: ['ingest-failure'] });
    expect((await tracker.findOpenIssue('ingest-failure'))?.number).toBe(issue.number);
  });

  it('reads further pages when a full page holds only pull requests', async () => {
    for (let i = 0; i < PAGE_SIZE; i++) {
      github.add({ title: `pr ${i}`, labels: ['ingest-failure'], pullRequest: true });
    }
    const issue = github.add({ title: 'the issue', labels: ['ingest-failure'] });
    expect((await tracker.findOpenIssue('ingest-failure'))?.number).toBe(issue.number);
    // The first page is asked for without a number; the next is the one GitHub's Link header names.
    expect(github.requests.map((r) => r.query.page)).toEqual([undefined, '2']);
  });

  it('returns undefined when no open issue has the label, after one short page', async () => {
    github.add({ title: 'a pull request', labels: ['ingest-failure'], pullRequest: true });
    expect(await tracker.findOpenIssue('ingest-failure')).toBeUndefined();
    expect(github.requests).toHaveLength(1);
  });
});

describe('create', () => {
  it('posts title, body and labels, and returns the new issue', async () => {
    const issue = await tracker.create({
      title: 'Scheduled ingest is failing',
      body: 'details',
      labels: ['ingest-failure'],
    });
    const [request] = github.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/v3/repos/octo-org/freshet/issues',
      body: { title: 'Scheduled ingest is failing', body: 'details', labels: ['ingest-failure'] },
    });
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(issue).toMatchObject({ number: 1, state: 'open', labels: ['ingest-failure'] });
    expect(github.issues[0]).toMatchObject({
      title: 'Scheduled ingest is failing',
      body: 'details',
    });
  });

  it("reports GitHub's validation errors with the field at fault", async () => {
    const error = await tracker
      .create({ title: '', body: '', labels: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({
      status: 422,
      method: 'POST',
      path: '/repos/octo-org/freshet/issues',
      apiMessage: 'Validation Failed: title missing_field',
      documentationUrl: 'https://docs.github.com/rest/issues/issues#create-an-issue',
    });
  });
});

describe('comment', () => {
  it('posts the body to the issue and returns the comment', async () => {
    const issue = github.add({ title: 'failing', labels: ['ingest-failure'] });
    const comment = await tracker.comment(issue.number, 'Failed again.');
    expect(github.requests[0]).toMatchObject({
      method: 'POST',
      path: `/api/v3/repos/octo-org/freshet/issues/${issue.number}/comments`,
      body: { body: 'Failed again.' },
    });
    expect(issue.comments).toEqual(['Failed again.']);
    expect(comment.url).toBe(
      `https://github.com/octo-org/freshet/issues/${issue.number}#issuecomment-${comment.id}`,
    );
  });

  it('fails with 404 for an issue that does not exist', async () => {
    await expect(tracker.comment(99, 'x')).rejects.toMatchObject({
      name: 'GitHubApiError',
      status: 404,
      apiMessage: 'Not Found',
    });
  });
});

describe('close', () => {
  it('patches the issue to closed as completed', async () => {
    const issue = github.add({ title: 'failing', labels: ['ingest-failure'] });
    const closed = await tracker.close(issue.number);
    expect(github.requests[0]).toMatchObject({
      method: 'PATCH',
      path: `/api/v3/repos/octo-org/freshet/issues/${issue.number}`,
      body: { state: 'closed', state_reason: 'completed' },
    });
    expect(closed.state).toBe('closed');
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'completed' });
  });
});

describe('errors', () => {
  it('carry the status and message of a refused token, with a hint', async () => {
    const refused = createRestIssueTracker({
      client: testClient(github.apiUrl, 'wrong'),
      repository: { owner: github.owner, repo: github.repo },
    });
    const error = await refused.findOpenIssue('ingest-failure').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(401);
    expect((error as GitHubApiError).message).toContain('Bad credentials');
    expect((error as GitHubApiError).message).toContain('token');
  });

  it('name the permission a job lacks when GitHub forbids the request', async () => {
    github.failNext(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
      status: '403',
    });
    const error = await tracker
      .create({ title: 't', body: 'b', labels: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 403,
      apiMessage: 'Resource not accessible by integration',
    });
    expect((error as Error).message).toContain('issues: write');
  });

  it('say so when the answer is not JSON', async () => {
    github.failNext(502, 'Bad Gateway');
    await expect(tracker.findOpenIssue('x')).rejects.toMatchObject({ status: 502 });
  });

  it('have no status when no answer arrives, and keep the cause', async () => {
    await github.close();
    const error = await tracker.findOpenIssue('ingest-failure').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBeUndefined();
    expect((error as GitHubApiError).cause).toBeInstanceOf(Error);
    // afterEach closes again: start a fresh one so that it can.
    github = await startFakeGitHub({ token: TOKEN });
  });

  it('never include the token', async () => {
    github.failNext(500, { message: 'Server Error' });
    const error = await tracker.findOpenIssue('ingest-failure').catch((e: unknown) => e);
    expect(String(error)).not.toContain(TOKEN);
  });
});
