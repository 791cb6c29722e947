// `freshet site build --store github`: the site read from a repository's model releases and its
// models/aliases.json, through the registry's GitHub store, against the local GitHub API server.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../actions/cli/run.ts';
import { githubStore, tagOf } from '../../actions/lib/registry/github-store.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { testClient } from '../lib/github/test-client.ts';
import { testShell } from '../support/cli-shell.ts';
import { type GitHubApiServer, startGitHubApiServer } from '../support/github-api-server.ts';
import { FIXTURE_MODELS, FIXTURE_NOW, fixtureAliases, publishFixtureModels } from './fixture.ts';

function shellIn(stateDir: string, env: Record<string, string>) {
  const { shell, out: lines, messages } = testShell(stateDir, { env, now: FIXTURE_NOW });
  return { shell, lines, messages };
}

describe('freshet site build --store github', () => {
  let root: string;
  let github: GitHubApiServer;
  let where: string[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-site-github-'));
    github = await startGitHubApiServer({
      files: { 'models/aliases.json': `${JSON.stringify(fixtureAliases(), null, 2)}\n` },
    });
    const client = testClient(github.apiUrl, github.token);
    const repository = { owner: github.owner, repo: github.repo };
    await publishFixtureModels((now) =>
      githubStore({ client, repository, logger: silentLogger, now: () => now }),
    );
    // A release whose predictions changed after publishing: its chart is left out, and said.
    github.tamperAsset(tagOf('ozone-quick', 1), 'predictions.csv');
    where = [
      '--store',
      'github',
      '--repository',
      `${github.owner}/${github.repo}`,
      '--github-api-url',
      github.apiUrl,
    ];
  });
  afterAll(async () => {
    await github?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('builds every model and version from the releases, with the repository’s aliases', async () => {
    const stateDir = join(root, 'empty', '.freshet');
    const { shell, lines, messages } = shellIn(stateDir, { GITHUB_TOKEN: github.token });
    const out = join(root, 'site');
    const before = github.requests.length;
    expect(await run(['site', 'build', ...where, '--out', out], shell), messages.join('\n')).toBe(
      0,
    );
    const versions = FIXTURE_MODELS.reduce((n, m) => n + m.versions.length, 0);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^wrote \\d+ pages \\(${FIXTURE_MODELS.length} models, \\d+ bytes\\) to `),
    );
    // Every request went to this repository's releases and contents, reading only.
    const requests = github.requests.slice(before);
    expect(new Set(requests.map((r) => r.method))).toEqual(new Set(['GET']));
    // One listing, the aliases file, then per version its release and manifest once, and each
    // charted asset (predictions.csv, feature_importance.json) once.
    const charted = FIXTURE_MODELS.flatMap((m) => m.versions).reduce(
      (n, v) => n + (v.withoutPredictions ? 1 : 2),
      0,
    );
    expect(requests.length).toBe(2 + 2 * versions + charted);

    const home = await readFile(join(out, 'index.html'), 'utf8');
    expect(home).toContain(`the releases of ${github.owner}/${github.repo}`);
    for (const model of FIXTURE_MODELS) expect(home).toContain(`href="/models/${model.name}/"`);
    const forest = await readFile(join(out, 'models/ozone-forest/index.html'), 'utf8');
    // models/aliases.json on the default branch: production v2, staging v3.
    const forestText = forest.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(forestText).toMatch(/v3 staging .* v2 production .* v1 /);
    expect(forest).toContain(
      `https://github.com/${github.owner}/${github.repo}/releases/tag/model/ozone-forest/v3`,
    );
    // The charts read the releases' assets, each checked against its sha256.
    const v3 = await readFile(join(out, 'models/ozone-forest/v3/index.html'), 'utf8');
    expect(v3).toContain(`<svg class="chart" id="predictions-v3"`);
    const quick = await readFile(join(out, 'models/ozone-quick/v1/index.html'), 'utf8');
    expect(quick).not.toContain(`<svg class="chart" id="predictions-v1"`);
    expect(quick).toContain(`<svg class="chart" id="importances-v1"`);
    expect(messages).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: ${github.owner}/${github.repo} release model/ozone-quick/v1 predictions.csv: models:/ozone-quick/1: predictions.csv has .*, the manifest says `,
        ),
      ),
    ]);
  });

  it('needs a token, and says so with exit status 2', async () => {
    const { shell, messages } = shellIn(join(root, 'none', '.freshet'), {});
    expect(await run(['site', 'build', ...where, '--out', join(root, 'x')], shell)).toBe(2);
    expect(messages).toEqual([expect.stringContaining('--store github needs a token')]);
  });

  it('needs the repository', async () => {
    const { shell, messages } = shellIn(join(root, 'none', '.freshet'), {
      GITHUB_TOKEN: github.token,
    });
    expect(await run(['site', 'build', '--store', 'github'], shell)).toBe(2);
    expect(messages).toEqual([
      expect.stringContaining('--store github needs the repository: --repository OWNER/REPO'),
    ]);
  });
});
