// The registry's commands through run(), with the local store: publish a recorded run, list and
// show it, promote it; refusals exit 2 and change nothing.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../actions/cli/run.ts';
import { githubStore } from '../../actions/lib/registry/github-store.ts';
import { localStore } from '../../actions/lib/registry/local-store.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { testClient } from '../lib/github/test-client.ts';
import { recordRunFixture } from '../lib/registry/run-fixture.ts';
import { sampleDraft } from '../lib/registry/store-contract.ts';
import { testShell as shellIn } from '../support/cli-shell.ts';
import { useMigratedDatabase } from '../support/database.ts';
import { startGitHubApiServer } from '../support/github-api-server.ts';

const testShell = (stateDir: string, env: Record<string, string> = {}) =>
  shellIn(stateDir, { env });

/** The local GitHub API server with ozone-forest v1 and v2 released, production at v1. */
async function githubWithTwoVersions() {
  const github = await startGitHubApiServer({
    files: { 'models/aliases.json': '{"ozone-forest": {"production": 1}}\n' },
  });
  const store = githubStore({
    client: testClient(github.apiUrl, github.token),
    repository: { owner: github.owner, repo: github.repo },
    logger: silentLogger,
  });
  await store.publish(sampleDraft('ozone-forest', 'one'));
  await store.publish(sampleDraft('ozone-forest', 'two'));
  return github;
}

describe('freshet publish, models and promote (local store)', () => {
  const db = useMigratedDatabase('registry_cli');
  let work: string;
  let stateDir: string;
  let runId: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'freshet-registry-cli-'));
    stateDir = join(work, '.freshet');
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('publishes a recorded run and prints {"name","version","uri"}', async () => {
    const record = await recordRunFixture(db.pool, stateDir, {
      extra: { 'predictions.csv': 'time,observed,predicted\n2014-01-10T00:00:00Z,30,29\n' },
    });
    runId = record.id;
    const { shell, last } = testShell(stateDir);
    const argv = ['publish', '--run', runId.slice(0, 8), '--database-url', db.url, '--json'];
    expect(await run(argv, shell)).toBe(0);
    expect(last()).toEqual({ name: 'ozone-forest', version: 1, uri: 'models:/ozone-forest/1' });
    expect(await run(argv, shell)).toBe(0);
    expect(last()).toEqual({ name: 'ozone-forest', version: 2, uri: 'models:/ozone-forest/2' });
  });

  it('lists the models and shows a version as its manifest or its card', async () => {
    const { shell, out, last } = testShell(stateDir);
    expect(await run(['models', 'list', '--json'], shell)).toBe(0);
    expect(last()).toEqual({
      models: [{ name: 'ozone-forest', versions: [1, 2], latest: 2, aliases: {} }],
    });
    expect(await run(['models', 'list'], shell)).toBe(0);
    expect(out.at(-1)).toMatch(/ozone-forest +2 +2 +2 +0\.2/);
    expect(await run(['models', 'show', 'models:/ozone-forest/1', '--json'], shell)).toBe(0);
    expect(last()).toMatchObject({ name: 'ozone-forest', version: 1, run_id: runId, schema: 1 });
    expect(await run(['models', 'show', 'models:/ozone-forest/2'], shell)).toBe(0);
    expect(out.at(-1)).toContain('## ozone-forest v2');
    expect(await run(['models', 'show', `runs:/${runId}/model.json`, '--json'], shell)).toBe(0);
    expect(last()).toMatchObject({ run_id: runId, artifact: 'model.json' });
  });

  it('gives clear errors for an unknown model, version or alias', async () => {
    const { shell, messages } = testShell(stateDir);
    expect(await run(['models', 'show', 'models:/ozone-forest/7'], shell)).toBe(1);
    expect(await run(['models', 'show', 'models:/ozone-forest@production'], shell)).toBe(1);
    expect(await run(['models', 'show', 'models:/nope/1'], shell)).toBe(1);
    expect(messages).toEqual([
      'error: models:/ozone-forest/7: ozone-forest has no version 7 (its versions: 1, 2)',
      'error: models:/ozone-forest@production: no aliases for a model named ozone-forest (no model has aliases)',
      'error: models:/nope/1: there is no model named nope',
    ]);
  });

  it('promotes in the local aliases file, and then resolves the alias', async () => {
    const { shell, last } = testShell(stateDir);
    expect(
      await run(['promote', 'ozone-forest', '1', '--alias', 'production', '--json'], shell),
    ).toBe(0);
    expect(last()).toEqual({ name: 'ozone-forest', version: 1, alias: 'production', from: null });
    expect(
      await run(['promote', 'ozone-forest', '2', '--alias', 'production', '--json'], shell),
    ).toBe(0);
    expect(last()).toEqual({ name: 'ozone-forest', version: 2, alias: 'production', from: 1 });
    expect(JSON.parse(await readFile(join(stateDir, 'registry', 'aliases.json'), 'utf8'))).toEqual({
      'ozone-forest': { production: 2 },
    });
    expect(await run(['models', 'show', 'models:/ozone-forest@production', '--json'], shell)).toBe(
      0,
    );
    expect(last()).toMatchObject({ version: 2 });
  });

  it('refuses to promote a version that does not exist or does not verify, changing nothing', async () => {
    const { shell, messages } = testShell(stateDir);
    expect(await run(['promote', 'ozone-forest', '9', '--alias', 'staging'], shell)).toBe(2);
    const onnx = join(stateDir, 'registry', 'ozone-forest', '1', 'model.onnx');
    await writeFile(onnx, `${await readFile(onnx, 'utf8')}tampered`);
    expect(await run(['promote', 'ozone-forest', '1', '--alias', 'staging'], shell)).toBe(2);
    expect(messages).toEqual([
      'error: cannot promote to ozone-forest@staging: models:/ozone-forest/9: ozone-forest has no version 9 (its versions: 1, 2)',
      expect.stringMatching(
        /^error: cannot promote to ozone-forest@staging: models:\/ozone-forest\/1: model\.onnx has \d+ bytes, the manifest says \d+$/,
      ),
    ]);
    expect(JSON.parse(await readFile(join(stateDir, 'registry', 'aliases.json'), 'utf8'))).toEqual({
      'ozone-forest': { production: 2 },
    });
  });

  it('lists every usage problem of the registry commands', async () => {
    const { shell, messages } = testShell(stateDir);
    expect(await run(['promote', 'ozone forest', 'v3', '--pr'], shell)).toBe(2);
    expect(await run(['publish', '--store', 'github'], shell)).toBe(2);
    expect(messages).toEqual([
      expect.stringContaining('model name "ozone forest"'),
      'error: version "v3" must be a whole number from 1',
      'error: --alias is required',
      expect.stringContaining('error: --pr opens a pull request on GitHub: add --store github'),
      'error: --run is required',
      'error: --store github needs the repository: --repository OWNER/REPO or $GITHUB_REPOSITORY',
    ]);
  });
});

describe('freshet models validate', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'freshet-validate-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('passes a file whose versions exist, and lists the problems of one that is invalid or names a missing version', async () => {
    const stateDir = join(work, '.freshet');
    await localStore(stateDir).publish(sampleDraft());
    const file = join(work, 'models', 'aliases.json');
    await mkdir(join(work, 'models'));
    const { shell, out, messages, last } = testShell(stateDir);

    await writeFile(file, '{"ozone-forest": {"production": 1}}');
    expect(await run(['models', 'validate'], shell)).toBe(0);
    expect(out.at(-1)).toContain('1 versions named, each exists');

    await writeFile(file, '{"ozone-forest": {"production": 1, "staging": 2}}');
    expect(await run(['models', 'validate', file, '--json'], shell)).toBe(1);
    expect(last()).toEqual({
      file,
      versions: [
        { name: 'ozone-forest', version: 1 },
        { name: 'ozone-forest', version: 2 },
      ],
      problems: ['models:/ozone-forest/2: ozone-forest has no version 2 (its versions: 1)'],
    });

    await writeFile(file, '{"ozone-forest": {"production": "1"}}');
    expect(await run(['models', 'validate', file], shell)).toBe(1);
    expect(messages.at(-1)).toBe(
      `error: ${file}: ozone-forest.production: version "1" must be an integer from 1`,
    );
  });
});

describe('freshet models bundle', () => {
  it('downloads every aliased version into one folder and summarises what changed', async () => {
    const work = await mkdtemp(join(tmpdir(), 'freshet-bundle-'));
    try {
      const stateDir = join(work, '.freshet');
      const store = localStore(stateDir);
      await store.publish(sampleDraft('ozone-forest', 'one'));
      await store.publish(sampleDraft('ozone-forest', 'two'));
      await mkdir(join(work, 'models'));
      await writeFile(
        join(work, 'models', 'aliases.json'),
        '{"ozone-forest": {"production": 2, "staging": 2}}',
      );
      const before = join(work, 'before.json');
      await writeFile(before, '{"ozone-forest": {"production": 1}}');
      const out = join(work, 'bundle');
      const { shell, out: lines } = testShell(stateDir);
      expect(await run(['models', 'bundle', '--out', out, '--before', before], shell)).toBe(0);
      const summary = lines.join('\n');
      expect(summary).toContain('| ozone-forest | production | v1 | v2 |');
      expect(summary).toContain('| ozone-forest | staging | – | v2 |');
      expect(summary).toContain('| models:/ozone-forest/2 | 3 |');
      expect(await readFile(join(out, 'ozone-forest', '2', 'model.json'), 'utf8')).toBe(
        '{"marker":"two"}',
      );
      expect(JSON.parse(await readFile(join(out, 'aliases.json'), 'utf8'))).toEqual({
        'ozone-forest': { production: 2, staging: 2 },
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('the registry commands against GitHub (--store github)', () => {
  it('lists and shows releases, and promotes in the working tree without a pull request', async () => {
    const work = await mkdtemp(join(tmpdir(), 'freshet-cli-github-'));
    const github = await githubWithTwoVersions();
    try {
      const stateDir = join(work, '.freshet');
      const { shell, last, messages } = testShell(stateDir, { GITHUB_TOKEN: github.token });
      const where = [
        '--store',
        'github',
        '--repository',
        'octo-org/freshet',
        '--github-api-url',
        github.apiUrl,
      ];

      expect(await run(['models', 'list', ...where, '--json'], shell)).toBe(0);
      expect(last()).toEqual({
        models: [{ name: 'ozone-forest', versions: [1, 2], latest: 2, aliases: { production: 1 } }],
      });
      expect(
        await run(['models', 'show', 'models:/ozone-forest@production', ...where, '--json'], shell),
      ).toBe(0);
      expect(last()).toMatchObject({ name: 'ozone-forest', version: 1 });

      await mkdir(join(work, 'models'));
      await writeFile(
        join(work, 'models', 'aliases.json'),
        '{"ozone-forest": {"production": 1}}\n',
      );
      expect(
        await run(
          ['promote', 'ozone-forest', '2', '--alias', 'staging', ...where, '--json'],
          shell,
        ),
      ).toBe(0);
      expect(last()).toEqual({
        name: 'ozone-forest',
        version: 2,
        alias: 'staging',
        from: null,
        file: join(work, 'models', 'aliases.json'),
      });
      expect(JSON.parse(await readFile(join(work, 'models', 'aliases.json'), 'utf8'))).toEqual({
        'ozone-forest': { production: 1, staging: 2 },
      });
      // Nothing was written to GitHub: no branch, no pull request.
      expect(github.pulls).toEqual([]);

      const { shell: noToken, messages: noTokenMessages } = testShell(stateDir);
      expect(await run(['models', 'list', ...where], noToken)).toBe(2);
      expect(noTokenMessages).toEqual([expect.stringContaining('--store github needs a token')]);
      expect(messages).toEqual([]);
    } finally {
      await github.close();
      await rm(work, { recursive: true, force: true });
    }
  });

  it('opens the pull request with --pr, linking to the site it is given ($FRESHET_SITE_URL)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'freshet-cli-github-'));
    const github = await githubWithTwoVersions();
    try {
      const { shell, last, messages } = testShell(join(work, '.freshet'), {
        GITHUB_TOKEN: github.token,
        FRESHET_SITE_URL: 'https://octo-org.github.io/freshet/',
      });
      const args = ['promote', 'ozone-forest', '2', '--alias', 'staging', '--pr', '--json'];
      const where = ['--store', 'github', '--repository', 'octo-org/freshet'];
      expect(
        await run([...args, ...where, '--github-api-url', github.apiUrl], shell),
        messages.join('\n'),
      ).toBe(0);
      expect(last()).toMatchObject({ pull_request: { created: true } });
      expect(github.pulls[0]?.body).toContain(
        'Side by side on the registry site: [v1 and v2](https://octo-org.github.io/freshet/models/ozone-forest/compare/v1...v2/).',
      );
    } finally {
      await github.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
