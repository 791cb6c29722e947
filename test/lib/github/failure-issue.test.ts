import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import {
  decideFailureIssueAction,
  FAILURE_LABEL,
  FAILURE_TITLE,
  type FailureIssueState,
  parseNeeds,
  readFailureCounter,
  runOutcome,
  syncFailureIssue,
  withFailureCounter,
} from '../../../actions/lib/github/failure-issue.ts';
import { createRestIssueTracker } from '../../../actions/lib/github/rest-issue-tracker.ts';
import { type FakeGitHub, startFakeGitHub } from './fake-github-server.ts';
import { testClient } from './test-client.ts';

const RUN_URL = 'https://github.com/octo-org/freshet/actions/runs/42/attempts/1';
const failed = { failed: true, failedJobs: ['ingest'] };
const succeeded = { failed: false, failedJobs: [] };
const NOW = Date.parse('2026-11-29T12:00:00Z');
const MINUTE = 60_000;

function state(overrides: Partial<FailureIssueState>): FailureIssueState {
  return {
    outcome: succeeded,
    openIssue: undefined,
    label: FAILURE_LABEL,
    runUrl: RUN_URL,
    now: NOW,
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

  it('comments on an open issue without a counter (opened by hand) when a run fails again', () => {
    const action = decideFailureIssueAction(
      state({ outcome: failed, openIssue: { number: 7, body: 'Broken.' } }),
    );
    expect(action).toMatchObject({
      kind: 'comment',
      issueNumber: 7,
      body: `Failed again in [this workflow run](${RUN_URL}): \`ingest\`.`,
    });
    if (action.kind !== 'comment') throw new Error('unreachable');
    expect(readFailureCounter(action.issueBody)).toEqual({ lastCommentAt: NOW, uncommented: 0 });
    expect(action.issueBody.startsWith('Broken.\n')).toBe(true);
  });

  it('comments at most once an hour, counting the failures in between in the body', () => {
    const body = withFailureCounter('Broken.', {
      lastCommentAt: NOW - 59 * MINUTE,
      uncommented: 2,
    });
    const counted = decideFailureIssueAction(
      state({ outcome: failed, openIssue: { number: 7, body } }),
    );
    expect(counted.kind).toBe('count');
    if (counted.kind !== 'count') throw new Error('unreachable');
    expect(readFailureCounter(counted.issueBody)).toEqual({
      lastCommentAt: NOW - 59 * MINUTE,
      uncommented: 3,
      latestRunUrl: RUN_URL,
    });
    expect(counted.issueBody).toContain('**3 failed runs since the last comment**');
    // One counter section, replaced, never appended twice.
    expect(counted.issueBody.match(/freshet-failure-counter \{/g)).toHaveLength(1);

    const hourLater = decideFailureIssueAction(
      state({
        outcome: failed,
        openIssue: { number: 7, body: counted.issueBody },
        now: NOW + MINUTE,
      }),
    );
    expect(hourLater).toMatchObject({
      kind: 'comment',
      body: `Failed again in [this workflow run](${RUN_URL}): \`ingest\`. 3 more runs failed since the last comment.`,
    });
    if (hourLater.kind !== 'comment') throw new Error('unreachable');
    expect(readFailureCounter(hourLater.issueBody)).toEqual({
      lastCommentAt: NOW + MINUTE,
      uncommented: 0,
    });
  });

  it('closes the open issue, saying which run recovered, when a run succeeds', () => {
    expect(decideFailureIssueAction(state({ openIssue: { number: 7, body: '' } }))).toEqual({
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
      now: NOW,
    });
    expect(first).toMatchObject({ kind: 'create', issueNumber: 1, labels: [FAILURE_LABEL] });

    // Ten minutes later: counted in the body, no comment.
    const second = await syncFailureIssue(tracker(), {
      outcome: failed,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
      now: NOW + 10 * MINUTE,
    });
    expect(second).toMatchObject({ kind: 'count', issueNumber: 1 });
    expect(github.issues[0]?.comments).toEqual([]);
    expect(readFailureCounter(github.issues[0]?.body ?? '')?.uncommented).toBe(1);
    // An hour after the issue was opened: a comment, and the counter back to 0.
    const again = await syncFailureIssue(tracker(), {
      outcome: failed,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
      now: NOW + 60 * MINUTE,
    });
    expect(again).toMatchObject({ kind: 'comment', issueNumber: 1 });
    expect(readFailureCounter(github.issues[0]?.body ?? '')).toEqual({
      lastCommentAt: NOW + 60 * MINUTE,
      uncommented: 0,
    });

    const third = await syncFailureIssue(tracker(), {
      outcome: succeeded,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
      now: NOW + 70 * MINUTE,
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
      now: NOW,
    });
    expect(result).toEqual({ kind: 'none' });
    expect(github.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('says issues are disabled when GitHub answers 410 Gone (a fork), instead of failing', async () => {
    await github.close();
    github = await startFakeGitHub({ token: TOKEN, issuesDisabled: true });
    const result = await syncFailureIssue(tracker(), {
      outcome: failed,
      label: FAILURE_LABEL,
      runUrl: RUN_URL,
      now: NOW,
    });
    expect(result).toEqual({ kind: 'issues-disabled' });
    expect(github.requests.map((r) => r.method)).toEqual(['GET']);
  });
});
