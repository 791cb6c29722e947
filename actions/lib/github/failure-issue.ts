// The failure issue of scheduled runs: one open issue while they fail, closed when one succeeds.
// A run fails every 10 minutes while something is broken: the issue gets at most one comment an
// hour, and in between a counter in its body says how many runs failed since the last comment.
// The decision is a pure function of the run's outcome, the open issue and the clock; applying it
// is the only I/O. A repository with issues turned off (a fork's default) answers 410: that is a
// warning for the job summary, not a failed report.
import { UsageError } from '../errors.ts';
import { formatInstant } from '../interval/instant.ts';
import { GitHubApiError } from './api-error.ts';
import type { Issue, IssueTracker, NewIssue } from './issue-tracker.ts';

/** The label that marks the failure issue (and finds it again). */
export const FAILURE_LABEL = 'ingest-failure';

/** The failure issue's title. */
export const FAILURE_TITLE = 'Scheduled ingest is failing';

/** A job's result as the `needs` context reports it. */
export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

const JOB_RESULTS: readonly string[] = ['success', 'failure', 'cancelled', 'skipped'];

/** How a workflow run went, as far as the report is concerned. */
export interface RunOutcome {
  failed: boolean;
  /** Jobs that failed or were cancelled, in the order the workflow lists them. */
  failedJobs: string[];
}

/**
 * Reads `${{ toJSON(needs) }}`: each job the report job needs, with its `result`.
 *
 * @throws UsageError when the text is not such an object
 * @example parseNeeds('{"plan":{"result":"success","outputs":{}}}', "input 'needs'") // { plan: 'success' }
 */
export function parseNeeds(text: string, label: string): Record<string, JobResult> {
  const usage = `pass \${{ toJSON(needs) }}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${label} is not JSON: ${usage}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${label} is not an object of jobs: ${usage}`);
  }
  const results: Record<string, JobResult> = {};
  const problems: string[] = [];
  for (const [job, value] of Object.entries(json)) {
    const result: unknown =
      typeof value === 'object' && value !== null
        ? (value as { result?: unknown }).result
        : undefined;
    if (typeof result === 'string' && JOB_RESULTS.includes(result)) {
      results[job] = result as JobResult;
    } else {
      problems.push(
        `${label}: job ${JSON.stringify(job)} has no result (one of ${JOB_RESULTS.join(', ')}): ${usage}`,
      );
    }
  }
  if (Object.keys(results).length === 0 && problems.length === 0) {
    problems.push(`${label} names no job: give the report job \`needs:\` and ${usage}`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  return results;
}

/**
 * A run failed when a job it needs failed or was cancelled (a job that exceeds `timeout-minutes` is
 * cancelled); skipped jobs (an empty plan skips the ingest) are fine.
 */
export function runOutcome(needs: Readonly<Record<string, JobResult>>): RunOutcome {
  const failedJobs = Object.entries(needs)
    .filter(([, result]) => result === 'failure' || result === 'cancelled')
    .map(([job]) => job);
  return { failed: failedJobs.length > 0, failedJobs };
}

/** Everything the decision depends on. */
export interface FailureIssueState {
  outcome: RunOutcome;
  /** The open issue with the failure label, if any (its body holds the counter). */
  openIssue: Pick<Issue, 'number' | 'body'> | undefined;
  label: string;
  /** This run's page, linked from the issue. */
  runUrl: string | undefined;
  /** The clock, epoch ms. */
  now: number;
}

/** The least time between two comments on the failure issue: an hour. */
export const COMMENT_EVERY_MS = 3_600_000;

/** What the issue body's counter records. */
export interface FailureCounter {
  /** When the issue was last commented on (or opened), epoch ms. */
  readonly lastCommentAt: number;
  /** Failed runs since then that got no comment of their own. */
  readonly uncommented: number;
  /** The latest of them. */
  readonly latestRunUrl?: string | undefined;
}

const COUNTER_START = '<!-- freshet-failure-counter';
const COUNTER_END = '<!-- /freshet-failure-counter -->';

/**
 * The counter in an issue body, or undefined when it has none (an issue opened by hand, or before
 * counters): then the next failure comments.
 */
export function readFailureCounter(body: string): FailureCounter | undefined {
  const match = /<!-- freshet-failure-counter (\{.*?\}) -->/.exec(body);
  if (match?.[1] === undefined) return undefined;
  try {
    const value = JSON.parse(match[1]) as Record<string, unknown>;
    const lastCommentAt = Date.parse(String(value.lastCommentAt));
    const uncommented = Number(value.uncommented);
    if (Number.isNaN(lastCommentAt) || !Number.isSafeInteger(uncommented)) return undefined;
    return {
      lastCommentAt,
      uncommented,
      ...(typeof value.latestRunUrl === 'string' ? { latestRunUrl: value.latestRunUrl } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * `body` with its counter section replaced (or added at the end): the machine-readable line and a
 * sentence for people.
 *
 * @example withFailureCounter('Broken.', { lastCommentAt: t, uncommented: 2 })
 */
export function withFailureCounter(body: string, counter: FailureCounter): string {
  const start = body.indexOf(COUNTER_START);
  const end = body.indexOf(COUNTER_END);
  const rest = (start >= 0 && end > start ? body.slice(0, start) : body).trimEnd();
  const data = JSON.stringify({
    lastCommentAt: formatInstant(counter.lastCommentAt),
    uncommented: counter.uncommented,
    ...(counter.latestRunUrl ? { latestRunUrl: counter.latestRunUrl } : {}),
  });
  const sentence =
    counter.uncommented === 0
      ? `No failed run since the last comment (${formatInstant(counter.lastCommentAt)}).`
      : `**${counter.uncommented} failed run${counter.uncommented === 1 ? '' : 's'} since the last comment** (${formatInstant(counter.lastCommentAt)}), the latest ${runLink(counter.latestRunUrl)}. Comments come at most once an hour.`;
  return `${rest}\n\n${COUNTER_START} ${data} -->\n${sentence}\n${COUNTER_END}\n`;
}

/** What to do about the failure issue, as a value: applied by {@link applyFailureIssueAction}. */
export type FailureIssueAction =
  | { kind: 'none' }
  | { kind: 'create'; issue: NewIssue }
  /** A comment, and the body's counter reset to it. */
  | { kind: 'comment'; issueNumber: number; body: string; issueBody: string }
  /** No comment (the last is less than an hour old): the body's counter goes up. */
  | { kind: 'count'; issueNumber: number; issueBody: string }
  | { kind: 'close'; issueNumber: number; body: string };

function runLink(runUrl: string | undefined): string {
  return runUrl === undefined ? 'a workflow run' : `[this workflow run](${runUrl})`;
}

function failedJobsText(outcome: RunOutcome): string {
  return outcome.failedJobs.map((job) => `\`${job}\``).join(', ');
}

/**
 * Decides what a scheduled run does about the failure issue:
 * failed without an open issue → open one; failed with one → comment on it;
 * succeeded with one → close it (with a comment saying which run recovered); otherwise nothing.
 *
 * @example
 * decideFailureIssueAction({ outcome: { failed: true, failedJobs: ['ingest'] }, openIssue: undefined,
 *   label: 'ingest-failure', runUrl }) // { kind: 'create', issue: { title, body, labels: ['ingest-failure'] } }
 */
export function decideFailureIssueAction(state: FailureIssueState): FailureIssueAction {
  const { outcome, openIssue, runUrl, now } = state;
  if (outcome.failed && openIssue === undefined) {
    const body = [
      `A scheduled ingest failed in ${runLink(runUrl)}: ${failedJobsText(outcome)}.`,
      "The run's job summaries list the objects that failed, and its log the error.",
      'Intervals without a successful attempt are planned again by the next scheduled run, so ' +
        'no interval is skipped while the cause is fixed.',
      'Failing scheduled runs comment here at most once an hour (the count below says how many ' +
        'failed in between); the first one that succeeds closes this issue.',
    ].join('\n\n');
    return {
      kind: 'create',
      issue: {
        title: FAILURE_TITLE,
        labels: [state.label],
        body: withFailureCounter(body, { lastCommentAt: now, uncommented: 0 }),
      },
    };
  }
  if (outcome.failed && openIssue !== undefined) {
    const counter = readFailureCounter(openIssue.body);
    if (counter !== undefined && now - counter.lastCommentAt < COMMENT_EVERY_MS) {
      return {
        kind: 'count',
        issueNumber: openIssue.number,
        issueBody: withFailureCounter(openIssue.body, {
          lastCommentAt: counter.lastCommentAt,
          uncommented: counter.uncommented + 1,
          latestRunUrl: runUrl,
        }),
      };
    }
    const between =
      counter !== undefined && counter.uncommented > 0
        ? ` ${counter.uncommented} more run${counter.uncommented === 1 ? '' : 's'} failed since the last comment.`
        : '';
    return {
      kind: 'comment',
      issueNumber: openIssue.number,
      body: `Failed again in ${runLink(runUrl)}: ${failedJobsText(outcome)}.${between}`,
      issueBody: withFailureCounter(openIssue.body, { lastCommentAt: now, uncommented: 0 }),
    };
  }
  if (!outcome.failed && openIssue !== undefined) {
    return {
      kind: 'close',
      issueNumber: openIssue.number,
      body: `Recovered: ${runLink(runUrl)} succeeded. Closing.`,
    };
  }
  return { kind: 'none' };
}

/** What applying an action did. */
export interface FailureIssueResult {
  /** `issues-disabled`: the repository's issues are turned off (GitHub answered 410). */
  kind: FailureIssueAction['kind'] | 'issues-disabled';
  /** The issue created, commented on or closed. */
  issueNumber?: number;
  /** The page to look at: the new issue, the comment, or the closed issue. */
  url?: string;
  /** The labels GitHub gave a new issue (it drops labels a token may not set). */
  labels?: string[];
}

/**
 * Applies a decided action through the tracker. Closing comments first, so that the issue says why
 * it was closed.
 *
 * @throws GitHubApiError from the tracker
 */
async function applyFailureIssueAction(
  tracker: IssueTracker,
  action: FailureIssueAction,
): Promise<FailureIssueResult> {
  switch (action.kind) {
    case 'none':
      return { kind: 'none' };
    case 'create': {
      const issue = await tracker.create(action.issue);
      return { kind: 'create', issueNumber: issue.number, url: issue.url, labels: issue.labels };
    }
    case 'comment': {
      const comment = await tracker.comment(action.issueNumber, action.body);
      await tracker.updateBody(action.issueNumber, action.issueBody);
      return { kind: 'comment', issueNumber: action.issueNumber, url: comment.url };
    }
    case 'count': {
      const issue = await tracker.updateBody(action.issueNumber, action.issueBody);
      return { kind: 'count', issueNumber: issue.number, url: issue.url };
    }
    case 'close': {
      await tracker.comment(action.issueNumber, action.body);
      const issue = await tracker.close(action.issueNumber);
      return { kind: 'close', issueNumber: issue.number, url: issue.url };
    }
  }
}

/**
 * The whole report: finds the open failure issue, decides, applies. The report action's one call.
 * A repository whose issues are turned off (GitHub answers 410 Gone) gives `issues-disabled`.
 *
 * @throws GitHubApiError for any other refusal
 * @example
 * const result = await syncFailureIssue(tracker, { outcome, label: FAILURE_LABEL, runUrl, now: Date.now() });
 */
export async function syncFailureIssue(
  tracker: IssueTracker,
  state: Omit<FailureIssueState, 'openIssue'>,
): Promise<FailureIssueResult> {
  try {
    const openIssue = await tracker.findOpenIssue(state.label);
    return await applyFailureIssueAction(
      tracker,
      decideFailureIssueAction({ ...state, openIssue }),
    );
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 410) return { kind: 'issues-disabled' };
    throw error;
  }
}
