import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import {
  decideFailureIssueAction,
  FAILURE_LABEL,
  FAILURE_TITLE,
  type FailureIssueState,
  parseNeeds,
  runOutcome,
  syncFailureIssue,
} from '../../../actions/lib/github/failure-issue.ts';
import { createRestIssueTracker } from '../../../actions/lib/github/rest-issue-tracker.ts';
import { type FakeGitHub, startFakeGitHub } from './fake-github-server.ts';
import { testClient } from './test-client.ts';

const RUN_URL = 'https://github.com/octo-org/freshet/actions/runs/42/attempts/1';
const failed = { failed: true, failedJobs: ['ingest'] };
const succeeded = { failed: false, failedJobs: [] };

function state(overrides: Partial<FailureIssueState>): FailureIssueState {
  return {
    outcome: succeeded,
    openIssue: undefined,
    label: FAILURE_LABEL,
    runUrl: RUN_URL,
    ...overrides,
  };
}

describe('parseNeeds', () => {
  it('reads the result of every job from toJSON(needs)', () => {
    const text = JSON.stringify({
      plan: { result: 'success', outputs: { count: '2' } },
      ingest: { result: 'failure', outputs: {} },
    });
    expect(parseNeeds(text, "input 'needs'")).toEqual({ plan: 'success', ingest: 'failure' });
  });

  it('names every job without a known result, and says what to pass', () => {
    const text = JSON.stringify({
      plan: { result: 'success' },
      ingest: {},
      other: { result: 'odd' },
    });
    const error = (() => {
      try {
        parseNeeds(text, "input 'needs'");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).problems).toHaveLength(2);
    expect((error as UsageError).problems[0]).toContain('"ingest"');
    expect((error as UsageError).problems[1]).toContain('"other"');
    expect((error as UsageError).message).toContain('toJSON(needs)');
  });

  it.each([
    ['not JSON', 'not json'],
    ['a list', '[]'],
    ['no job at all', '{}'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseNeeds(text, "input 'needs'")).toThrow(UsageError);
  });
});

describe('runOutcome', () => {
  it('fails the run when a job failed or was cancelled (a timeout cancels)', () => {
    expect(runOutcome({ plan: 'success', ingest: 'failure' })).toEqual({
      failed: true,
      failedJobs: ['ingest'],
    });
    expect(runOutcome({ plan: 'cancelled', ingest: 'skipped' })).toEqual({
      failed: true,
      failedJobs: ['plan'],
    });
  });

  it('counts a skipped ingest (nothing was due) as success', () => {
    expect(runOutcome({ plan: 'success', ingest: 'skipped' })).toEqual(succeeded);
  });
});

describe('decideFailureIssueAction', () => {
  it('opens a labelled issue linking the run when a run fails and none is open', () => {
    const action = decideFailureIssueAction(state({ outcome: failed }));
    expect(action).toMatchObject({
      kind: 'create',
      issue: { title: FAILURE_TITLE, labels: [FAILURE_LABEL] },
    });
    if (action.kind !== 'create') throw new Error('unreachable');
    expect(action.issue.body).toContain(`(${RUN_URL})`);
    expect(action.issue.body).toContain('`ingest`');
  });

  it('comments on the open issue when a run fails again', () => {
    expect(decideFailureIssueAction(state({ outcome: failed, openIssue: { number: 7 } }))).toEqual({
      kind: 'comment',
      issueNumber: 7,
      body: `Failed again in [this workflow run](${RUN_URL}): \`ingest\`.`,
    });
  });

  it('closes the open issue, saying which run recovered, when a run succeeds', () => {
    expect(decideFailureIssueAction(state({ openIssue: { number: 7 } }))).toEqual({
      kind: 'close',
      issueNumber: 7,
      body: `Recovered: [this workflow run](${RUN_URL}) succeeded. Closing.`,
    });
  });

  it('does nothing when a run succeeds and no issue is open', () => {
    expect(decideFailureIssueAction(state({}))).toEqual({ kind: 'none' });
  });

  it('still words the issue without a run address (outside Actions)', () => {
    const action = decideFailureIssueAction(state({ outcome: failed, runUrl: undefined }));
    expect(action.kind === 'create' && action.issue.body).toContain('a workflow run');
  });
});

describe('syncFailureIssue against GitHub', () => {
  const TOKEN = 'ghs_sync';
  let github: FakeGitHub;

  beforeEach(async () => {
    github = await startFakeGitHub({ token: TOKEN });
  });
  afterEach(async () => {
    await github.close();
  });

  function tracker() {
    return createRestIssueTracker({
      client: testClient(github.apiUrl, TOKEN),
      repository: { owner: github.owner, repo: github.repo },
    });
  }

  it('keeps one issue through failure, failure, success', async () => {
    const first = await syncFailureIssue(tracker(), {
      outcome: failed,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
    });
    expect(first).toMatchObject({ kind: 'create', issueNumber: 1, labels: [FAILURE_LABEL] });

    const second = await syncFailureIssue(tracker(), {
      outcome: failed,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
    });
    expect(second).toMatchObject({ kind: 'comment', issueNumber: 1 });

    const third = await syncFailureIssue(tracker(), {
      outcome: succeeded,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
    });
    expect(third).toMatchObject({ kind: 'close', issueNumber: 1 });

    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(github.issues[0]?.comments).toEqual([
      expect.stringContaining('Failed again'),
      expect.stringContaining('Recovered'),
    ]);
    // The closing comment comes before the close.
    expect(github.requests.slice(-2).map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('makes one request and changes nothing when all is well', async () => {
    const result = await syncFailureIssue(tracker(), {
      outcome: succeeded,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
    });
    expect(result).toEqual({ kind: 'none' });
    expect(github.requests.map((r) => r.method)).toEqual(['GET']);
  });
});
