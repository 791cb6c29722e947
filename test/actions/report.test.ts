import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UsageError } from '../../actions/lib/errors.ts';
import { FAILURE_TITLE } from '../../actions/lib/github/failure-issue.ts';
import { parseReportInputs, REPORT_INPUT_DEFAULTS, run } from '../../actions/report/main.ts';
import { type FakeGitHub, startFakeGitHub } from '../lib/github/fake-github-server.ts';
import { ActionEnvironment } from './action-environment.ts';

const TOKEN = 'ghs_report-token';
const FAILED = JSON.stringify({
  plan: { result: 'success', outputs: { count: '3' } },
  ingest: { result: 'failure', outputs: {} },
});
const SUCCEEDED = JSON.stringify({
  plan: { result: 'success', outputs: { count: '0' } },
  ingest: { result: 'skipped', outputs: {} },
});
const RUN_URL = 'https://github.com/octo-org/freshet/actions/runs/42/attempts/1';

describe('parseReportInputs', () => {
  const runner = { GITHUB_REPOSITORY: 'octo-org/freshet' };

  it("reads the run's outcome, with GitHub.com's API by default", () => {
    const options = parseReportInputs(
      (name) => ({ needs: FAILED, token: TOKEN })[name] ?? '',
      runner,
    );
    expect(options).toEqual({
      outcome: { failed: true, failedJobs: ['ingest'] },
      label: 'ingest-failure',
      token: TOKEN,
      repository: { owner: 'octo-org', repo: 'freshet' },
      apiUrl: 'https://api.github.com',
      runUrl: undefined,
    });
  });

  it('reports every problem at once', () => {
    let problems: readonly string[] = [];
    try {
      parseReportInputs((name) => ({ needs: '{}', label: 'a,b' })[name] ?? '', {});
    } catch (error) {
      if (error instanceof UsageError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^input 'needs' names no job/),
      `input 'label' "a,b" holds a comma: use a label without one`,
      expect.stringMatching(/^input 'token' is empty/),
      expect.stringMatching(/^GITHUB_REPOSITORY "" is not owner\/repo/),
    ]);
  });

  it("uses action.yml's defaults for empty inputs", async () => {
    const action = parse(await readFile('actions/report/action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    for (const [name, value] of Object.entries(REPORT_INPUT_DEFAULTS)) {
      expect(action.inputs[name]?.default, name).toBe(value);
    }
  });
});

describe('the report action', () => {
  let env: ActionEnvironment;
  let github: FakeGitHub;

  beforeAll(async () => {
    env = await ActionEnvironment.create();
  });
  afterAll(async () => {
    await env.dispose();
  });
  beforeEach(async () => {
    github = await startFakeGitHub({ token: TOKEN });
  });
  afterEach(async () => {
    await github.close();
  });

  function runner(): Record<string, string> {
    return {
      GITHUB_API_URL: github.apiUrl,
      GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '1',
    };
  }

  it('opens a labelled issue linking the run when the run failed', async () => {
    const result = await env.run(run, { needs: FAILED, token: TOKEN }, runner());
    expect(result.failed).toBe(false);
    expect(result.outputs).toEqual({
      action: 'create',
      'issue-number': '1',
      url: 'https://github.com/octo-org/freshet/issues/1',
    });
    expect(github.issues[0]).toMatchObject({ title: FAILURE_TITLE, labels: ['ingest-failure'] });
    expect(github.issues[0]?.body).toContain(RUN_URL);
    expect(result.commands[0]).toEqual({ command: 'add-mask', properties: {}, message: TOKEN });
  });

  it('comments on the open issue when the run failed again', async () => {
    github.add({ title: 'a pull request', labels: ['ingest-failure'], pullRequest: true });
    const open = github.add({ title: FAILURE_TITLE, labels: ['ingest-failure'] });
    const result = await env.run(run, { needs: FAILED, token: TOKEN }, runner());
    expect(result.outputs).toMatchObject({
      action: 'comment',
      'issue-number': String(open.number),
    });
    expect(open.comments).toEqual([`Failed again in [this workflow run](${RUN_URL}): \`ingest\`.`]);
    expect(github.issues).toHaveLength(2);
  });

  it('closes the open issue when the run succeeded', async () => {
    const open = github.add({ title: FAILURE_TITLE, labels: ['ingest-failure'] });
    const result = await env.run(run, { needs: SUCCEEDED, token: TOKEN }, runner());
    expect(result.outputs).toMatchObject({ action: 'close', 'issue-number': String(open.number) });
    expect(open.state).toBe('closed');
  });

  it('does nothing when the run succeeded and no issue is open', async () => {
    const result = await env.run(run, { needs: SUCCEEDED, token: TOKEN }, runner());
    expect(result.failed).toBe(false);
    expect(result.outputs).toEqual({ action: 'none', 'issue-number': '', url: '' });
    expect(github.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('warns when GitHub dropped the label, since the next run could not find the issue', async () => {
    await github.close();
    github = await startFakeGitHub({ token: TOKEN, dropLabels: true });
    const result = await env.run(run, { needs: FAILED, token: TOKEN }, runner());
    expect(result.outputs.action).toBe('create');
    expect(result.messages('warning')).toEqual([
      expect.stringContaining("GitHub did not label issue #1 'ingest-failure'"),
    ]);
  });

  it("fails with GitHub's status and message, and a hint, when the token may not write issues", async () => {
    github.failNext(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/issues#list-repository-issues',
      status: '403',
    });
    const result = await env.run(run, { needs: FAILED, token: TOKEN }, runner());
    expect(result.failed).toBe(true);
    const [error] = result.messages('error');
    expect(error).toContain('(403): Resource not accessible by integration');
    expect(error).toContain('issues: write');
    expect(error).not.toContain(TOKEN);
  });

  it('warns, and does not fail, when the repository has issues turned off (410, as in a fork)', async () => {
    await github.close();
    github = await startFakeGitHub({ token: TOKEN, issuesDisabled: true });
    const result = await env.run(run, { needs: FAILED, token: TOKEN }, runner());
    expect(result.failed).toBe(false);
    expect(result.outputs).toEqual({ action: 'issues-disabled', 'issue-number': '', url: '' });
    expect(result.messages('warning')).toEqual([
      'Issues are disabled in octo-org/freshet, so no failure issue was opened: turn Issues on (Settings → General → Features) to be told when scheduled runs fail.',
    ]);
  });

  it('fails listing every input problem before calling GitHub', async () => {
    const result = await env.run(run, { needs: 'success' }, runner());
    expect(result.failed).toBe(true);
    expect(result.messages('error')[0]).toContain("- input 'needs' is not JSON");
    expect(github.requests).toEqual([]);
  });
});
