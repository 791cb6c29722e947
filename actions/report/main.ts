// The report action: the run's job results → the failure issue opened, commented on or closed.
// It translates; the library decides (failure-issue.ts) and talks to GitHub (rest-issue-tracker.ts).
import * as core from '@actions/core';
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import {
  FAILURE_LABEL,
  parseNeeds,
  type RunOutcome,
  runOutcome,
  syncFailureIssue,
} from '../lib/github/failure-issue.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { createRestIssueTracker } from '../lib/github/rest-issue-tracker.ts';
import {
  DEFAULT_GITHUB_API_URL,
  parseRepository,
  type RepositoryRef,
  type RunnerEnv,
  workflowRunUrl,
} from '../lib/github/workflow-run.ts';

/** What an empty input means; action.yml documents the same defaults (a test keeps them equal). */
export const REPORT_INPUT_DEFAULTS = { label: FAILURE_LABEL } as const;

/** The report action's options. */
export interface ReportOptions {
  outcome: RunOutcome;
  label: string;
  token: string;
  repository: RepositoryRef;
  apiUrl: string;
  runUrl: string | undefined;
}

/**
 * Reads the report action's inputs, and the repository and API address from the runner's variables.
 *
 * @throws UsageError listing every problem
 */
export function parseReportInputs(read: ReadInput, env: RunnerEnv): ReportOptions {
  const inputs = new ActionInputs(read);
  const needs = inputs.parse('needs', '', parseNeeds);
  const label = inputs.text('label', REPORT_INPUT_DEFAULTS.label);
  if (label.includes(',')) {
    // The issues API takes a comma-separated list of labels to filter by.
    inputs.problem(`input 'label' ${JSON.stringify(label)} holds a comma: use a label without one`);
  }
  const token = inputs.required('token', `pass token: \${{ github.token }} (the default)`);
  const repository = parseRepository(env.GITHUB_REPOSITORY ?? '');
  if (repository === undefined) {
    inputs.problem(
      `GITHUB_REPOSITORY ${JSON.stringify(env.GITHUB_REPOSITORY ?? '')} is not owner/repo: run this action in a workflow`,
    );
  }
  inputs.finish();
  return {
    outcome: runOutcome(needs!),
    label,
    token: token!,
    repository: repository!,
    apiUrl: env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL,
    runUrl: workflowRunUrl(env),
  };
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  try {
    const token = core.getInput('token');
    if (token !== '') core.setSecret(token);
    const options = parseReportInputs((name) => core.getInput(name), process.env);
    const tracker = createRestIssueTracker({
      apiUrl: options.apiUrl,
      token: options.token,
      repository: options.repository,
    });
    const result = await syncFailureIssue(tracker, {
      outcome: options.outcome,
      label: options.label,
      runUrl: options.runUrl,
    });
    core.setOutput('action', result.kind);
    core.setOutput(
      'issue-number',
      result.issueNumber === undefined ? '' : String(result.issueNumber),
    );
    core.setOutput('url', result.url ?? '');
    core.info(
      result.kind === 'none'
        ? 'The run succeeded and no failure issue is open: nothing to do.'
        : `Failure issue #${result.issueNumber}: ${result.kind} (${result.url})`,
    );
    if (result.labels !== undefined && !result.labels.includes(options.label)) {
      core.warning(
        `GitHub did not label issue #${result.issueNumber} '${options.label}', so the next run will not find it: give the token issues: write`,
      );
    }
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}
