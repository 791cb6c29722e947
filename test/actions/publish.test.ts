// The publish action end to end: a recorded run → a release on the local GitHub API server → the
// promotion pull request; and with the local store, no GitHub at all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../actions/lib/errors.ts';
import { parsePublishInputs } from '../../actions/publish/inputs.ts';
import { run } from '../../actions/publish/main.ts';
import { recordRunFixture } from '../lib/registry/run-fixture.ts';
import { useMigratedDatabase } from '../support/database.ts';
import { type GitHubApiServer, startGitHubApiServer } from '../support/github-api-server.ts';
import { ActionEnvironment } from './action-environment.ts';

describe('parsePublishInputs', () => {
  it('lists every problem at once', () => {
    let problems: readonly string[] = [];
    try {
      parsePublishInputs(
        (name) => ({ store: 'ftp', alias: 'Prod', 'site-url': 'ftp://x' })[name] ?? '',
        {},
      );
    } catch (error) {
      if (error instanceof UsageError) problems = error.problems;
    }
    expect(problems).toEqual([
      `input 'run-id' "" is not a run id: give its 32 hex digits or a prefix of at least 4 (freshet runs lists them)`,
      `input 'store' "ftp" is not a store: use local or github`,
      expect.stringMatching(/^input 'alias': alias "Prod"/),
      expect.stringMatching(/^input 'token' is empty/),
      `input 'site-url' "ftp://x" must be an http:// or https:// URL`,
      expect.stringMatching(/^input 'database-url' is/),
    ]);
  });
});

describe('the publish action', () => {
  const db = useMigratedDatabase('publish_action');
  let env: ActionEnvironment;
  let github: GitHubApiServer;
  let stateDir: string;
  let runId: string;
  beforeAll(async () => {
    env = await ActionEnvironment.create();
    github = await startGitHubApiServer({
      files: { 'models/aliases.json': '{}\n' },
    });
    stateDir = await mkdtemp(join(tmpdir(), 'freshet-publish-action-'));
  });
  afterAll(async () => {
    await github.close();
    await env.dispose();
    await rm(stateDir, { recursive: true, force: true });
  });

  async function recordRun(): Promise<string> {
    const record = await recordRunFixture(db.pool, stateDir, {
      extra: { 'predictions.csv': 'time,observed,predicted\n2014-01-10T00:00:00Z,30,29\n' },
    });
    return record.id;
  }

  const runner = () => ({
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '77',
  });

  it('publishes to the local store without GitHub', async () => {
    runId = await recordRun();
    const result = await env.run(
      run,
      {
        'run-id': runId,
        store: 'local',
        'state-dir': stateDir,
        'database-url': db.url,
        token: 'x',
      },
      runner(),
    );
    expect(result.messages('error')).toEqual([]);
    expect(result.failed).toBe(false);
    expect(result.outputs).toMatchObject({
      name: 'ozone-forest',
      version: '1',
      uri: 'models:/ozone-forest/1',
      'pull-request-url': '',
    });
    expect(result.summary).toContain('## ozone-forest v1');
  });

  it('makes a release and opens the promotion pull request, validated', async () => {
    const result = await env.run(
      run,
      {
        'run-id': runId,
        'state-dir': stateDir,
        'database-url': db.url,
        token: github.token,
        'site-url': 'https://octo.github.io/freshet/',
      },
      runner(),
    );
    expect(result.messages('error')).toEqual([]);
    expect(result.outputs).toMatchObject({
      name: 'ozone-forest',
      version: '1',
      uri: 'models:/ozone-forest/1',
      validation: 'passed',
      'pull-request-url': expect.stringMatching(/\/pull\/\d+$/),
    });
    expect(github.releases.map((r) => r.tag_name)).toEqual(['model/ozone-forest/v1']);
    const [pull] = github.pulls;
    expect(pull).toMatchObject({
      head: 'promote/ozone-forest',
      base: 'main',
      title: 'Promote ozone-forest v1 to staging',
    });
    expect(pull?.body).toContain('✅ Validated');
    expect(pull?.body).toContain('There is no production or staging version yet to compare with');
    // With a site configured, the body links to it (the candidate's page: nothing to compare yet).
    expect(pull?.body).toContain(
      'On the registry site: [v1](https://octo.github.io/freshet/models/ozone-forest/v1/).',
    );
    expect(github.files('promote/ozone-forest')?.get('models/aliases.json')).toBe(
      '{\n  "ozone-forest": {\n    "staging": 1\n  }\n}\n',
    );
    expect(result.summary).toContain('### Promotion');
    // The manifest records the workflow run that published it.
    expect(github.releases[0]?.body).toContain(
      'https://github.com/octo-org/freshet/actions/runs/77',
    );
  }, 60_000);
});
