import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../actions/lib/github/client.ts';
import { withAlias } from '../../../actions/lib/registry/aliases.ts';
import { localStore } from '../../../actions/lib/registry/local-store.ts';
import { type PromotionPlan, planPromotion } from '../../../actions/lib/registry/promote.ts';
import {
  promotionBody,
  promotionTitle,
  siteLink,
} from '../../../actions/lib/registry/promotion-body.ts';
import { openPromotionPullRequest } from '../../../actions/lib/registry/promotion-pr.ts';
import type { VersionDraft } from '../../../actions/lib/registry/store.ts';
import { aliasesProblemsInStore } from '../../../actions/lib/registry/validate.ts';
import { compareRoute } from '../../../actions/lib/site/routes.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { type GitHubApiServer, startGitHubApiServer } from '../../support/github-api-server.ts';
import { sampleDraft, textAsset } from './store-contract.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A version whose predictions miss every observation by `error`, with matching metrics. */
function draftWithError(error: number, commit: string): VersionDraft {
  const base = sampleDraft('ozone-forest', `error ${error}`);
  const lines = ['time,observed,predicted'];
  for (let hour = 0; hour < 24; hour++) {
    const time = new Date(Date.UTC(2014, 0, 10, hour)).toISOString().replace('.000Z', 'Z');
    lines.push(`${time},30,${30 + (hour % 2 === 0 ? error : -error)}`);
  }
  return {
    ...base,
    fields: {
      ...base.fields,
      metrics: { rmse: error, persistence_rmse: 2.5, skill: 1 - error / 2.5 },
      project: { ...base.fields.project, commit },
    },
    assets: [
      ...base.assets.filter((a) => a.name !== 'predictions.csv'),
      textAsset('predictions.csv', `${lines.join('\n')}\n`, 'text/csv'),
    ],
  };
}

async function storeWithProduction(productionError: number) {
  const stateDir = await mkdtemp(join(tmpdir(), 'freshet-promotion-'));
  cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
  const store = localStore(stateDir);
  await store.publish(draftWithError(productionError, 'a'.repeat(40)));
  await store.setAliases({ 'ozone-forest': { production: 1 } });
  return { store, stateDir };
}

/** The body for a plan, as proposePromotion writes it (validation and site as given). */
function bodyOf(
  plan: PromotionPlan,
  alias: string,
  more: { validation?: readonly string[]; siteUrl?: string } = {},
): string {
  return promotionBody({
    candidate: plan.candidate,
    alias,
    current: plan.current,
    compared: plan.compared,
    comparison: plan.comparison,
    validation: plan.validation,
    aliasesPath: 'models/aliases.json',
    ...more,
  });
}

describe('the promotion pull request body', () => {
  it('says a better candidate is better, by how much, on the same test window', async () => {
    const { store } = await storeWithProduction(2);
    await store.publish(draftWithError(1.5, 'b'.repeat(40)));
    const plan = await planPromotion(store, { name: 'ozone-forest', version: 2, alias: 'staging' });
    expect(plan.comparison).toMatchObject({ better: 'candidate', basis: 'common test window' });
    expect(plan.comparison.by).toBeCloseTo(0.25, 10);
    expect(plan.validation).toEqual([]);
    const body = bodyOf(plan, 'staging');
    expect(promotionTitle('ozone-forest', 2, 'staging')).toBe('Promote ozone-forest v2 to staging');
    expect(body).toContain('This moves `ozone-forest@staging` from nothing to v2');
    expect(body).toContain(
      '**v2 is better than v1** on the same test window (24 hours, 2014-01-10T00:00:00Z to 2014-01-10T23:00:00Z): RMSE 1.5 against 2: 25 % lower error.',
    );
    expect(body).toContain('| rmse | 1.5 | 2 | -0.5 | candidate |');
    expect(body).toContain('| skill | 0.4 | 0.2 | +0.2 | candidate |');
    expect(body).toContain('| training commit | `bbbbbbbbbbbb` | `aaaaaaaaaaaa` |');
    expect(body).toContain('✅ Validated');
    // No site configured: no link to one.
    expect(body).not.toContain('registry site');
    const linked = bodyOf(plan, 'staging', { siteUrl: 'https://octo.github.io/freshet' });
    // The site's compare page of the candidate and the production version it is compared with.
    expect(linked).toContain(
      'Side by side on the registry site: [v1 and v2](https://octo.github.io/freshet/models/ozone-forest/compare/v1...v2/).',
    );
  });

  it('links to the site page the site builds: compare v<older>...v<newer>, or the version', () => {
    const site = 'https://octo.github.io/freshet/';
    expect(siteLink(undefined, 'ozone-forest', 4, 3)).toBeUndefined();
    expect(siteLink(site, 'ozone-forest', 4, 3)).toBe(
      `Side by side on the registry site: [v3 and v4](https://octo.github.io/freshet/${compareRoute('ozone-forest', 3, 4)}).`,
    );
    // A candidate older than the version it is compared with (a rollback) links the same page.
    expect(siteLink(site, 'ozone-forest', 2, 5)).toContain(
      '/models/ozone-forest/compare/v2...v5/)',
    );
    expect(siteLink(site, 'ozone-forest', 1, undefined)).toBe(
      'On the registry site: [v1](https://octo.github.io/freshet/models/ozone-forest/v1/).',
    );
  });

  it('says a worse candidate is worse', async () => {
    const { store } = await storeWithProduction(1);
    await store.publish(draftWithError(1.25, 'b'.repeat(40)));
    const plan = await planPromotion(store, {
      name: 'ozone-forest',
      version: 2,
      alias: 'production',
    });
    const body = bodyOf(plan, 'production');
    expect(body).toContain('from v1 to v2');
    expect(body).toContain('**v1 is better than v2** on the same test window');
    expect(body).toContain(': 25 % lower error.');
    expect(body).toContain('| rmse | 1.25 | 1 | +0.25 | production |');
  });

  it('falls back to skill when the test windows do not overlap, and reports failed validation', async () => {
    const { store } = await storeWithProduction(2);
    const candidate = draftWithError(1, 'b'.repeat(40));
    await store.publish({
      ...candidate,
      assets: candidate.assets.filter((a) => a.name !== 'predictions.csv'),
    });
    const plan = await planPromotion(store, { name: 'ozone-forest', version: 2, alias: 'staging' });
    const body = bodyOf(plan, 'staging', {
      validation: ['models:/ozone-forest/7: ozone-forest has no version 7'],
    });
    expect(body).toContain('**v2 is better than v1** by skill over the persistence forecast');
    expect(body).toContain(
      '❌ Validation failed for `models/aliases.json`:\n\n- models:/ozone-forest/7',
    );
  });
});

describe('validating an aliases file against a store', () => {
  it('rejects a missing version and a tampered asset, and passes a good file', async () => {
    const { store, stateDir } = await storeWithProduction(2);
    expect(await aliasesProblemsInStore(store, { 'ozone-forest': { production: 1 } })).toEqual([]);
    expect(
      await aliasesProblemsInStore(store, { 'ozone-forest': { production: 1, staging: 3 } }),
    ).toEqual(['models:/ozone-forest/3: ozone-forest has no version 3 (its versions: 1)']);
    expect(await aliasesProblemsInStore(store, { other: { production: 1 } })).toEqual([
      'models:/other/1: the local registry (' +
        join(stateDir, 'registry') +
        ') has no model named other',
    ]);
    await writeFile(
      join(stateDir, 'registry', 'ozone-forest', '1', 'model.json'),
      '{"marker":"evil!!!"}',
    );
    expect(await aliasesProblemsInStore(store, { 'ozone-forest': { production: 1 } })).toEqual([
      expect.stringMatching(
        /^models:\/ozone-forest\/1: model\.json has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}$/,
      ),
    ]);
  });
});

describe('openPromotionPullRequest', () => {
  async function server(): Promise<GitHubApiServer> {
    const started = await startGitHubApiServer({
      files: { 'models/aliases.json': '{"ozone-forest": {"production": 1}}\n', 'README.md': 'x' },
    });
    cleanups.push(() => started.close());
    return started;
  }

  it('opens one pull request on promote/<name>, then updates it', async () => {
    const github = await server();
    const client = createGitHubClient({
      token: github.token,
      apiUrl: github.apiUrl,
      logger: silentLogger,
      waitUnitMs: 5,
      writeSpacingMs: 0,
      contentSpacingMs: 0,
    });
    const repository = { owner: github.owner, repo: github.repo };
    const request = (version: number) => ({
      name: 'ozone-forest',
      edit: (aliases: Parameters<typeof withAlias>[0]) =>
        withAlias(aliases, 'ozone-forest', 'staging', version),
      title: promotionTitle('ozone-forest', version, 'staging'),
      body: `body ${version}`,
      commitMessage: promotionTitle('ozone-forest', version, 'staging'),
    });
    const first = await openPromotionPullRequest(client, repository, request(2));
    expect(first).toMatchObject({ created: true, branch: 'promote/ozone-forest' });
    const second = await openPromotionPullRequest(client, repository, request(3));
    expect(second).toMatchObject({ created: false, number: first.number });
    expect(github.pulls).toEqual([
      expect.objectContaining({
        number: first.number,
        head: 'promote/ozone-forest',
        base: 'main',
        title: 'Promote ozone-forest v3 to staging',
        body: 'body 3',
        state: 'open',
      }),
    ]);
    expect(github.files('promote/ozone-forest')?.get('models/aliases.json')).toBe(
      '{\n  "ozone-forest": {\n    "production": 1,\n    "staging": 3\n  }\n}\n',
    );
    // The branch restarted from main: one commit on it, and main untouched.
    expect(github.files('main')?.get('models/aliases.json')).toBe(
      '{"ozone-forest": {"production": 1}}\n',
    );
  });
});
