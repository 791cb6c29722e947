import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../actions/lib/github/client.ts';
import { githubStore, tagOf } from '../../../actions/lib/registry/github-store.ts';
import type { RegistryStore } from '../../../actions/lib/registry/store.ts';
import { type Logger, silentLogger } from '../../../actions/lib/util/logger.ts';
import { type GitHubApiServer, startGitHubApiServer } from '../../support/github-api-server.ts';
import { sampleDraft, storeContract } from './store-contract.ts';

const servers: GitHubApiServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function open(
  files: Record<string, string> = {},
  logger: Logger = silentLogger,
): Promise<{ server: GitHubApiServer; store: RegistryStore }> {
  const server = await startGitHubApiServer({ files });
  servers.push(server);
  // Waits are 5 ms per second GitHub asks for, and writes are not spaced: the behaviour is the
  // same, only faster.
  const client = createGitHubClient({
    token: server.token,
    apiUrl: server.apiUrl,
    logger,
    waitUnitMs: 5,
    writeSpacingMs: 0,
    contentSpacingMs: 0,
  });
  const store = githubStore({
    client,
    repository: { owner: server.owner, repo: server.repo },
    logger,
    now: () => Date.UTC(2026, 10, 29, 12),
  });
  return { server, store };
}

storeContract('the GitHub Releases store', async () => {
  const { server, store } = await open();
  return {
    store,
    tamper: async (name, version, asset) => server.tamperAsset(tagOf(name, version), asset),
  };
});

describe('the GitHub Releases store', () => {
  it('makes a release per version, tagged model/<name>/v<N>, with the card and every asset', async () => {
    const { server, store } = await open();
    const manifest = await store.publish(sampleDraft());
    const [release] = server.releases;
    expect(release).toMatchObject({
      tag_name: 'model/ozone-forest/v1',
      name: 'ozone-forest v1',
      draft: false,
      make_latest: 'false',
    });
    expect(release?.body).toContain('## ozone-forest v1');
    expect(release?.body).toContain('| skill | 0.1667 |');
    expect(release?.assets.map((a) => [a.name, a.content_type, a.state])).toEqual([
      ['model.json', 'application/json', 'uploaded'],
      ['model.onnx', 'application/octet-stream', 'uploaded'],
      ['predictions.csv', 'text/csv', 'uploaded'],
      ['manifest.json', 'application/json', 'uploaded'],
    ]);
    expect(server.refs.has('refs/tags/model/ozone-forest/v1')).toBe(true);
    expect(manifest.created_at).toBe('2026-11-29T12:00:00.000Z');
  });

  it('takes the next number when the tag exists (422)', async () => {
    const { server, store } = await open();
    server.refs.set('refs/tags/model/ozone-forest/v1', server.refs.get('refs/heads/main') ?? '');
    server.fail({ method: 'GET', path: /matching-refs/, status: 200, body: [] }); // a stale listing
    const manifest = await store.publish(sampleDraft());
    expect(manifest.version).toBe(2);
    const creates = server.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/git/refs'),
    );
    expect(creates).toHaveLength(2);
  });

  it('retries 5xx answers and secondary rate limits (403 and 429 with retry-after)', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
    const { server, store } = await open({}, logger);
    const limited = {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    };
    server.fail({
      method: 'POST',
      path: /\/releases$/,
      status: 403,
      body: limited,
      headers: { 'retry-after': '1' },
    });
    server.fail({
      method: 'PATCH',
      path: /\/releases\/\d+$/,
      status: 429,
      body: limited,
      headers: { 'retry-after': '2' },
    });
    server.fail({
      method: 'GET',
      path: /matching-refs/,
      status: 502,
      body: { message: 'Server Error' },
    });
    server.fail({
      method: 'GET',
      path: /\/releases$/,
      status: 503,
      body: { message: 'Unavailable' },
      times: 2,
    });
    expect((await store.publish(sampleDraft())).version).toBe(1);
    expect(await store.versions('ozone-forest')).toEqual([1]);
    expect(warnings.filter((w) => w.includes('secondary rate limit'))).toEqual([
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/releases: retrying after 1 s',
      'GitHub secondary rate limit on PATCH /repos/{owner}/{repo}/releases/{release_id}: retrying after 2 s',
    ]);
    const count = (method: string, pattern: RegExp) =>
      server.requests.filter((r) => r.method === method && pattern.test(r.path)).length;
    expect(count('POST', /\/releases$/)).toBe(2);
    expect(count('PATCH', /\/releases\/\d+$/)).toBe(2);
    expect(count('GET', /matching-refs/)).toBe(2);
    expect(count('GET', /\/releases$/)).toBe(3);
  });

  it('deletes an asset left half-uploaded before uploading it again', async () => {
    const { server, store } = await open();
    server.failUploadHalfway('model.onnx');
    const manifest = await store.publish(sampleDraft());
    const onnx = server.releases[0]?.assets.filter((a) => a.name === 'model.onnx');
    expect(onnx?.map((a) => a.state)).toEqual(['uploaded']);
    expect(
      server.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/releases/assets/')),
    ).toHaveLength(1);
    const bytes = await store.download('ozone-forest', manifest.version, 'model.onnx');
    expect(new TextDecoder().decode(bytes)).toBe('onnx bytes of one');
  });

  it('deletes its release and tag when a publish cannot complete', async () => {
    const { server, store } = await open();
    server.fail({
      method: 'POST',
      path: /\/uploads\//,
      status: 500,
      body: { message: 'Server Error' },
      times: 50,
    });
    await expect(store.publish(sampleDraft())).rejects.toThrow(
      'publishing ozone-forest v1 to octo-org/freshet failed, nothing was kept',
    );
    expect(server.releases).toEqual([]);
    expect([...server.refs.keys()]).toEqual(['refs/heads/main']);
    expect(await store.versions('ozone-forest')).toEqual([]);
  });

  it('follows pagination: versions on later pages are found', async () => {
    const { server, store } = await open();
    const first = await store.publish(sampleDraft());
    const template = server.releases[0];
    for (let version = 2; version <= 230; version++) {
      if (template === undefined) break;
      server.releases.push({
        ...template,
        id: 10_000 + version,
        tag_name: tagOf('ozone-forest', version),
        assets: [],
      });
    }
    const versions = await store.versions('ozone-forest');
    expect(versions).toHaveLength(230);
    expect(versions.at(0)).toBe(first.version);
    const pages = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/releases'));
    expect(pages.map((r) => r.query.get('page') ?? '1')).toEqual(['1', '2', '3']);
  });

  it('reads models/aliases.json from the repository', async () => {
    const { store } = await open({
      'models/aliases.json': '{"ozone-forest": {"production": 1}}\n',
    });
    expect(await store.aliases()).toEqual({ 'ozone-forest': { production: 1 } });
  });

  it('reports a refused token with what to grant', async () => {
    const { server, store } = await open();
    server.fail({
      method: 'POST',
      path: /\/git\/refs$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    await expect(store.publish(sampleDraft())).rejects.toThrow(
      "POST /repos/octo-org/freshet/git/refs failed (403): Resource not accessible by integration (does the job grant the token 'contents: write'?)",
    );
  });
});
