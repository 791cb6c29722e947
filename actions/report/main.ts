// The report action: the run's job results → the failure issue opened, commented on or closed.
// It translates; the library decides (failure-issue.ts) and talks to GitHub (rest-issue-tracker.ts).
import * as core from '@actions/core';
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { createGitHubClient } from '../lib/github/client.ts';
import { type RunOutcome, runOutcome, syncFailureIssue } from '../lib/github/failure-issue.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { createRestIssueTracker } from '../lib/github/rest-issue-tracker.ts';
import {
  DEFAULT_GITHUB_API_URL,
  parseRepository,
  type RepositoryRef,
  type RunnerEnv,
  workflowRunUrl,
} from '../lib/github/workflow-run.ts';
import { REPORT } from '../lib/settings/report.ts';
import { inputDefaults } from '../lib/settings/setting.ts';

/** What an empty input means, by input name (action.yml says the same: a test checks it). */
export const REPORT_INPUT_DEFAULTS = inputDefaults(REPORT);

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
  const needs = inputs.read(REPORT.needs);
  const label = inputs.read(REPORT.label);
  const token = inputs.read(REPORT.token);
  const repository = parseRepository(env.GITHUB_REPOSITORY ?? '');
  if (repository === undefined) {
    inputs.problem(
      `GITHUB_REPOSITORY ${JSON.stringify(env.GITHUB_REPOSITORY ?? '')} is not owner/repo: run this action in a workflow`,
    );
  }
  const options = inputs.finish({ needs, label, token, repository });
  return {
    outcome: runOutcome(options.needs),
    label: options.label,
    token: options.token,
    repository: options.repository,
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
    const client = createGitHubClient({
      token: options.token,
      apiUrl: options.apiUrl,
      logger: actionsLogger(core),
    });
    const tracker = createRestIssueTracker({ client, repository: options.repository });
    const result = await syncFailureIssue(tracker, {
      outcome: options.outcome,
      label: options.label,
      runUrl: options.runUrl,
      now: Date.now(),
    });
    if (result.kind === 'issues-disabled') {
      // A fork, or a repository that turned issues off: say so where people look, without failing.
      const message = `Issues are disabled in ${options.repository.owner}/${options.repository.repo}, so no failure issue was ${options.outcome.failed ? 'opened' : 'updated'}: turn Issues on (Settings → General → Features) to be told when scheduled runs fail.`;
      core.warning(message, { title: 'No failure issue' });
      if (process.env.GITHUB_STEP_SUMMARY) {
        await core.summary.addRaw(`## Failure issue\n\n> [!WARNING]\n> ${message}\n`).write();
      }
    }
    core.setOutput('action', result.kind);
    core.setOutput(
      'issue-number',
      result.issueNumber === undefined ? '' : String(result.issueNumber),
    );
    core.setOutput('url', result.url ?? '');
    if (result.kind === 'none') {
      core.info('The run succeeded and no failure issue is open: nothing to do.');
    } else if (result.kind !== 'issues-disabled') {
      core.info(`Failure issue #${result.issueNumber}: ${result.kind} (${result.url})`);
    }
    if (result.labels !== undefined && !result.labels.includes(options.label)) {
      core.warning(
        `GitHub did not label issue #${result.issueNumber} '${options.label}', so the next run will not find it: give the token issues: write`,
      );
    }
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}
