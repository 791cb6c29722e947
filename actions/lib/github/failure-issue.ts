// The failure issue of scheduled runs: one open issue while they fail, closed when one succeeds.
// The decision is a pure function of the run's outcome and the open issue; applying it is the only I/O.
import { UsageError } from '../errors.ts';
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
  /** The open issue with the failure label, if any. */
  openIssue: Pick<Issue, 'number'> | undefined;
  label: string;
  /** This run's page, linked from the issue. */
  runUrl: string | undefined;
}

/** What to do about the failure issue, as a value: applied by {@link applyFailureIssueAction}. */
export type FailureIssueAction =
  | { kind: 'none' }
  | { kind: 'create'; issue: NewIssue }
  | { kind: 'comment'; issueNumber: number; body: string }
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
  const { outcome, openIssue, runUrl } = state;
  if (outcome.failed && openIssue === undefined) {
    return {
      kind: 'create',
      issue: {
        title: FAILURE_TITLE,
        labels: [state.label],
        body: [
          `A scheduled ingest failed in ${runLink(runUrl)}: ${failedJobsText(outcome)}.`,
          "The run's job summaries list the objects that failed, and its log the error.",
          'Intervals without a successful attempt are planned again by the next scheduled run, so ' +
            'no interval is skipped while the cause is fixed.',
          'Each failing scheduled run comments here; the first one that succeeds closes this issue.',
        ].join('\n\n'),
      },
    };
  }
  if (outcome.failed && openIssue !== undefined) {
    return {
      kind: 'comment',
      issueNumber: openIssue.number,
      body: `Failed again in ${runLink(runUrl)}: ${failedJobsText(outcome)}.`,
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
  kind: FailureIssueAction['kind'];
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
      return { kind: 'comment', issueNumber: action.issueNumber, url: comment.url };
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
 *
 * @example
 * const result = await syncFailureIssue(tracker, { outcome, label: FAILURE_LABEL, runUrl });
 */
export async function syncFailureIssue(
  tracker: IssueTracker,
  state: Omit<FailureIssueState, 'openIssue'>,
): Promise<FailureIssueResult> {
  const openIssue = await tracker.findOpenIssue(state.label);
  return applyFailureIssueAction(tracker, decideFailureIssueAction({ ...state, openIssue }));
}
