// A local stand-in for the part of GitHub's REST API the registry calls, on 127.0.0.1: releases
// (create, list, get by tag, update, delete), release assets (upload, list, download, delete),
// git refs (get, list matching, create, update, delete), contents (get, create or update) and
// pull requests (list, create, update). Bodies, statuses, Link paging and errors are shaped as
// GitHub documents them (docs.github.com/rest: releases, releases/assets, git/refs, repos/contents,
// pulls). Faults are injected on demand: any status for a matching request, secondary rate limits
// with retry-after, and an upload that fails half-way (502, leaving a `starter` asset, as GitHub
// says an upstream failure may). GitHub's API has no local twin: this is the one thing faked.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface GitHubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

export interface StoredAsset {
  id: number;
  name: string;
  label: string | null;
  state: 'uploaded' | 'starter';
  content_type: string;
  bytes: Uint8Array;
  created_at: string;
}

export interface StoredRelease {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  make_latest: string;
  created_at: string;
  assets: StoredAsset[];
}

export interface StoredPull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: 'open' | 'closed';
}

/** A fault: the next `times` requests matching answer this instead. */
export interface Fault {
  readonly method?: string;
  /** Matched against the path without the prefix (`/repos/o/r/releases`). */
  readonly path?: RegExp;
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  times?: number;
}

export interface GitHubApiServer {
  /** GITHUB_API_URL for it (with a path prefix, as on GitHub Enterprise Server). */
  readonly apiUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly requests: GitHubRequest[];
  readonly releases: StoredRelease[];
  readonly pulls: StoredPull[];
  /** refs/heads/main → commit sha. */
  readonly refs: Map<string, string>;
  /** The files of a branch or commit. */
  files(ref: string): Map<string, string> | undefined;
  /** Commits a file on a branch (as a push would). */
  commitFile(branch: string, path: string, content: string): string;
  fail(fault: Fault): void;
  /** The next upload of `name` stores a `starter` asset with part of the bytes and answers 502. */
  failUploadHalfway(name: string): void;
  /** Changes the stored bytes of an asset (the contract test's tampering). */
  tamperAsset(tag: string, name: string): void;
  close(): Promise<void>;
}

const OWNER = 'octo-org';
const REPO = 'freshet';
const PREFIX = '/api/v3';
const DOCS = 'https://docs.github.com/rest';

const sha1 = (text: string | Uint8Array) => createHash('sha1').update(text).digest('hex');

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the server with a repository whose `main` holds one commit (and `files` on it). */
export async function startGitHubApiServer(
  options: {
    token?: string;
    files?: Record<string, string>;
    /** GitHub Pages is enabled, built by Actions (default: not enabled, GET …/pages is 404). */
    pages?: boolean;
  } = {},
): Promise<GitHubApiServer> {
  const token = options.token ?? 'ghs_test_token';
  const requests: GitHubRequest[] = [];
  const releases: StoredRelease[] = [];
  const pulls: StoredPull[] = [];
  const refs = new Map<string, string>();
  const commits = new Map<string, Map<string, string>>();
  const faults: Fault[] = [];
  const halfway = new Set<string>();
  let nextId = 1;
  let origin = '';

  const root = new Map(Object.entries(options.files ?? {}));
  const rootSha = sha1(`root ${JSON.stringify([...root])}`);
  commits.set(rootSha, root);
  refs.set('refs/heads/main', rootSha);

  const api = () => `${origin}${PREFIX}/repos/${OWNER}/${REPO}`;
  const resolve = (ref: string) =>
    refs.get(`refs/heads/${ref}`) ??
    refs.get(`refs/tags/${ref}`) ??
    (commits.has(ref) ? ref : undefined);
  const files = (ref: string) => {
    const sha = resolve(ref);
    return sha === undefined ? undefined : commits.get(sha);
  };
  const commitFile = (branch: string, path: string, content: string) => {
    const parent = files(branch) ?? new Map<string, string>();
    const next = new Map(parent);
    next.set(path, content);
    const sha = sha1(`${branch} ${path} ${content} ${nextId++}`);
    commits.set(sha, next);
    refs.set(`refs/heads/${branch}`, sha);
    return sha;
  };

  const assetJson = (asset: StoredAsset, release: StoredRelease) => ({
    url: `${api()}/releases/assets/${asset.id}`,
    browser_download_url: `${origin}/download/${asset.id}`,
    id: asset.id,
    node_id: `RA_${asset.id}`,
    name: asset.name,
    label: asset.label,
    state: asset.state,
    content_type: asset.content_type,
    size: asset.bytes.byteLength,
    download_count: 0,
    created_at: asset.created_at,
    updated_at: asset.created_at,
    uploader: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    release_id: release.id,
  });
  const releaseJson = (release: StoredRelease) => ({
    url: `${api()}/releases/${release.id}`,
    html_url: `https://github.com/${OWNER}/${REPO}/releases/tag/${release.tag_name}`,
    assets_url: `${api()}/releases/${release.id}/assets`,
    upload_url: `${origin}${PREFIX}/uploads/repos/${OWNER}/${REPO}/releases/${release.id}/assets{?name,label}`,
    id: release.id,
    node_id: `RE_${release.id}`,
    tag_name: release.tag_name,
    target_commitish: release.target_commitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    created_at: release.created_at,
    published_at: release.draft ? null : release.created_at,
    author: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    assets: release.assets.map((a) => assetJson(a, release)),
  });
  const pullJson = (pull: StoredPull) => ({
    url: `${api()}/pulls/${pull.number}`,
    html_url: `https://github.com/${OWNER}/${REPO}/pull/${pull.number}`,
    id: 9000 + pull.number,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    head: {
      ref: pull.head,
      label: `${OWNER}:${pull.head}`,
      sha: refs.get(`refs/heads/${pull.head}`),
    },
    base: {
      ref: pull.base,
      label: `${OWNER}:${pull.base}`,
      sha: refs.get(`refs/heads/${pull.base}`),
    },
  });
  const refJson = (ref: string, sha: string) => ({
    ref,
    node_id: `REF_${sha1(ref)}`,
    url: `${api()}/git/${ref}`,
    object: { type: 'commit', sha, url: `${api()}/git/commits/${sha}` },
  });

  /** One page of `items`, with GitHub's Link header. */
  function page<T>(response: ServerResponse, url: URL, items: readonly T[]): T[] {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30) || 30);
    const number = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const next = new URL(url);
      next.searchParams.set('page', String(n));
      next.searchParams.set('per_page', String(perPage));
      return `<${next}>; rel="${rel}"`;
    };
    const links = [
      ...(number < last ? [link(number + 1, 'next'), link(last, 'last')] : []),
      ...(number > 1 ? [link(1, 'first'), link(number - 1, 'prev')] : []),
    ];
    if (links.length > 0) response.setHeader('link', links.join(', '));
    return items.slice((number - 1) * perPage, number * perPage);
  }

  function send(response: ServerResponse, status: number, body?: unknown, headers = {}): void {
    response.writeHead(status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      ...headers,
    });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  }
  const notFound = (response: ServerResponse, section: string) =>
    send(response, 404, {
      message: 'Not Found',
      documentation_url: `${DOCS}/${section}`,
      status: '404',
    });
  const invalid = (
    response: ServerResponse,
    section: string,
    errors: unknown[],
    message = 'Validation Failed',
  ) =>
    send(response, 422, {
      message,
      errors,
      documentation_url: `${DOCS}/${section}`,
      status: '422',
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith('/download/')) {
      // Where the API's 302 points: the asset's bytes, as objects.githubusercontent.com serves them.
      const id = Number(url.pathname.slice('/download/'.length));
      const asset = releases.flatMap((r) => r.assets).find((a) => a.id === id);
      if (asset === undefined) return notFound(response, 'releases/assets');
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': asset.bytes.byteLength,
      });
      response.end(asset.bytes);
      return;
    }
    if (!url.pathname.startsWith(PREFIX)) return notFound(response, '');
    const path = url.pathname.slice(PREFIX.length);
    requests.push({ method, path, query: url.searchParams });
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `token ${token}` && authorization !== `Bearer ${token}`) {
      return send(response, 401, {
        message: 'Bad credentials',
        documentation_url: DOCS,
        status: '401',
      });
    }
    const fault = faults.find(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path.test(path)),
    );
    if (fault !== undefined) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      await readBody(request);
      return send(
        response,
        fault.status,
        fault.body ?? { message: 'fault', status: String(fault.status) },
        fault.headers,
      );
    }
    const raw = await readBody(request);
    const json = () =>
      raw.byteLength === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);

    const repoPrefix = `/repos/${OWNER}/${REPO}`;
    const uploadPrefix = `/uploads${repoPrefix}/releases/`;
    if (path.startsWith(uploadPrefix) && method === 'POST') {
      const id = Number(path.slice(uploadPrefix.length).split('/')[0]);
      const release = releases.find((r) => r.id === id);
      if (release === undefined)
        return notFound(response, 'releases/assets#upload-a-release-asset');
      const name = url.searchParams.get('name') ?? '';
      if (release.assets.some((a) => a.name === name)) {
        return invalid(response, 'releases/assets#upload-a-release-asset', [
          { resource: 'ReleaseAsset', code: 'already_exists', field: 'name' },
        ]);
      }
      const asset: StoredAsset = {
        id: nextId++,
        name,
        label: url.searchParams.get('label'),
        state: 'uploaded',
        content_type: request.headers['content-type'] ?? 'application/octet-stream',
        bytes: new Uint8Array(raw),
        created_at: new Date().toISOString(),
      };
      if (halfway.delete(name)) {
        release.assets.push({
          ...asset,
          state: 'starter',
          bytes: asset.bytes.slice(0, asset.bytes.byteLength >> 1),
        });
        return send(response, 502, { message: 'Bad Gateway' });
      }
      release.assets.push(asset);
      return send(response, 201, assetJson(asset, release));
    }
    if (path === repoPrefix && method === 'GET') {
      return send(response, 200, {
        id: 1296269,
        name: REPO,
        full_name: `${OWNER}/${REPO}`,
        owner: { login: OWNER },
        default_branch: 'main',
        html_url: `https://github.com/${OWNER}/${REPO}`,
      });
    }
    if (!path.startsWith(`${repoPrefix}/`)) return notFound(response, '');
    const rest = path.slice(repoPrefix.length + 1);
    const segments = rest.split('/');

    // Releases.
    if (rest === 'releases' && method === 'GET') {
      const newestFirst = [...releases].sort((a, b) => b.id - a.id);
      return send(response, 200, page(response, url, newestFirst).map(releaseJson));
    }
    if (rest === 'releases' && method === 'POST') {
      const body = json();
      const tag = String(body.tag_name ?? '');
      if (releases.some((r) => r.tag_name === tag)) {
        return invalid(response, 'releases/releases#create-a-release', [
          { resource: 'Release', code: 'already_exists', field: 'tag_name' },
        ]);
      }
      if (!refs.has(`refs/tags/${tag}`))
        refs.set(`refs/tags/${tag}`, refs.get('refs/heads/main') ?? rootSha);
      const release: StoredRelease = {
        id: nextId++,
        tag_name: tag,
        target_commitish: String(body.target_commitish ?? 'main'),
        name: typeof body.name === 'string' ? body.name : null,
        body: typeof body.body === 'string' ? body.body : null,
        draft: body.draft === true,
        prerelease: body.prerelease === true,
        make_latest: String(body.make_latest ?? 'true'),
        created_at: new Date().toISOString(),
        assets: [],
      };
      releases.push(release);
      return send(response, 201, releaseJson(release));
    }
    if (segments[0] === 'releases' && segments[1] === 'tags' && method === 'GET') {
      const tag = decodeURIComponent(segments.slice(2).join('/'));
      const release = releases.find((r) => r.tag_name === tag && !r.draft);
      return release === undefined
        ? notFound(response, 'releases/releases#get-a-release-by-tag-name')
        : send(response, 200, releaseJson(release));
    }
    if (segments[0] === 'releases' && segments[1] === 'assets' && segments.length === 3) {
      const id = Number(segments[2]);
      const release = releases.find((r) => r.assets.some((a) => a.id === id));
      const asset = release?.assets.find((a) => a.id === id);
      if (release === undefined || asset === undefined)
        return notFound(response, 'releases/assets');
      if (method === 'DELETE') {
        release.assets.splice(release.assets.indexOf(asset), 1);
        return send(response, 204);
      }
      if (method === 'GET') {
        if ((request.headers.accept ?? '').includes('application/octet-stream')) {
          return send(response, 302, undefined, { location: `${origin}/download/${id}` });
        }
        return send(response, 200, assetJson(asset, release));
      }
    }
    if (segments[0] === 'releases' && segments.length >= 2 && /^\d+$/.test(segments[1] ?? '')) {
      const release = releases.find((r) => r.id === Number(segments[1]));
      if (release === undefined) return notFound(response, 'releases/releases');
      if (segments[2] === 'assets' && method === 'GET') {
        return send(
          response,
          200,
          page(response, url, release.assets).map((a) => assetJson(a, release)),
        );
      }
      if (segments.length === 2 && method === 'PATCH') {
        const body = json();
        if (typeof body.draft === 'boolean') release.draft = body.draft;
        if (typeof body.body === 'string') release.body = body.body;
        if (typeof body.name === 'string') release.name = body.name;
        if (typeof body.make_latest === 'string') release.make_latest = body.make_latest;
        return send(response, 200, releaseJson(release));
      }
      if (segments.length === 2 && method === 'DELETE') {
        releases.splice(releases.indexOf(release), 1);
        return send(response, 204);
      }
      if (segments.length === 2 && method === 'GET')
        return send(response, 200, releaseJson(release));
    }

    // Git references.
    if (segments[0] === 'git') {
      const kind = segments[1];
      const refPath = decodeURIComponent(segments.slice(2).join('/'));
      if (kind === 'ref' && method === 'GET') {
        const sha = refs.get(`refs/${refPath}`);
        return sha === undefined
          ? notFound(response, 'git/refs#get-a-reference')
          : send(response, 200, refJson(`refs/${refPath}`, sha));
      }
      if (kind === 'matching-refs' && method === 'GET') {
        const matching = [...refs.entries()]
          .filter(([ref]) => ref.startsWith(`refs/${refPath}`))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([ref, sha]) => refJson(ref, sha));
        return send(response, 200, matching);
      }
      if (kind === 'refs' && segments.length === 2 && method === 'POST') {
        const body = json();
        const ref = String(body.ref ?? '');
        const sha = String(body.sha ?? '');
        if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
          return invalid(
            response,
            'git/refs#create-a-reference',
            [],
            `${ref} is not a valid ref name.`,
          );
        }
        if (refs.has(ref))
          return invalid(response, 'git/refs#create-a-reference', [], 'Reference already exists');
        if (!commits.has(sha))
          return invalid(response, 'git/refs#create-a-reference', [], 'Object does not exist');
        refs.set(ref, sha);
        return send(response, 201, refJson(ref, sha));
      }
      if (kind === 'refs' && method === 'PATCH') {
        const ref = `refs/${refPath}`;
        const sha = String(json().sha ?? '');
        if (!refs.has(ref))
          return invalid(response, 'git/refs#update-a-reference', [], 'Reference does not exist');
        if (!commits.has(sha))
          return invalid(response, 'git/refs#update-a-reference', [], 'Object does not exist');
        refs.set(ref, sha);
        return send(response, 200, refJson(ref, sha));
      }
      if (kind === 'refs' && method === 'DELETE') {
        const ref = `refs/${refPath}`;
        if (!refs.delete(ref))
          return invalid(response, 'git/refs#delete-a-reference', [], 'Reference does not exist');
        return send(response, 204);
      }
    }

    // Contents.
    if (segments[0] === 'contents') {
      const filePath = decodeURIComponent(segments.slice(1).join('/'));
      if (method === 'GET') {
        const ref = url.searchParams.get('ref') ?? 'main';
        const content = files(ref)?.get(filePath);
        if (content === undefined)
          return notFound(response, 'repos/contents#get-repository-content');
        return send(response, 200, {
          type: 'file',
          encoding: 'base64',
          size: Buffer.byteLength(content),
          name: filePath.split('/').at(-1),
          path: filePath,
          content: Buffer.from(content)
            .toString('base64')
            .replace(/(.{60})/g, '$1\n'),
          sha: sha1(`blob ${Buffer.byteLength(content)}\0${content}`),
          url: `${api()}/contents/${filePath}`,
        });
      }
      if (method === 'PUT') {
        const body = json();
        const branch = String(body.branch ?? 'main');
        const existing = files(branch)?.get(filePath);
        if (files(branch) === undefined)
          return notFound(response, 'repos/contents#create-or-update-file-contents');
        const blobSha =
          existing === undefined
            ? undefined
            : sha1(`blob ${Buffer.byteLength(existing)}\0${existing}`);
        if (existing !== undefined && body.sha === undefined) {
          return invalid(
            response,
            'repos/contents#create-or-update-file-contents',
            [],
            '"sha" wasn\'t supplied.',
          );
        }
        if (existing !== undefined && body.sha !== blobSha) {
          return send(response, 409, {
            message: `${filePath} does not match ${String(body.sha)}`,
            documentation_url: DOCS,
            status: '409',
          });
        }
        const content = Buffer.from(String(body.content ?? ''), 'base64').toString('utf8');
        const commit = commitFile(branch, filePath, content);
        return send(response, existing === undefined ? 201 : 200, {
          content: {
            name: filePath.split('/').at(-1),
            path: filePath,
            sha: sha1(`blob ${Buffer.byteLength(content)}\0${content}`),
          },
          commit: { sha: commit, message: body.message },
        });
      }
    }

    // GitHub Pages (docs.github.com/rest/pages/pages#get-a-apiname-pages-site).
    if (rest === 'pages' && method === 'GET') {
      if (options.pages !== true) return notFound(response, 'pages/pages#get-a-apiname-pages-site');
      return send(response, 200, {
        url: `${api()}/pages`,
        status: 'built',
        cname: null,
        custom_404: false,
        html_url: `https://${OWNER}.github.io/${REPO}/`,
        build_type: 'workflow',
        source: { branch: 'main', path: '/' },
        public: true,
        https_enforced: true,
      });
    }

    // Pull requests.
    if (rest === 'pulls' && method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const found = pulls.filter(
        (p) =>
          (state === 'all' || p.state === state) &&
          (head === null || `${OWNER}:${p.head}` === head),
      );
      return send(response, 200, page(response, url, found).map(pullJson));
    }
    if (rest === 'pulls' && method === 'POST') {
      const body = json();
      const head = String(body.head ?? '');
      const base = String(body.base ?? '');
      if (!refs.has(`refs/heads/${head}`)) {
        return invalid(response, 'pulls/pulls#create-a-pull-request', [
          { resource: 'PullRequest', field: 'head', code: 'invalid' },
        ]);
      }
      if (pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
        return invalid(response, 'pulls/pulls#create-a-pull-request', [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${OWNER}:${head}.`,
          },
        ]);
      }
      const pull: StoredPull = {
        number: nextId++,
        title: String(body.title ?? ''),
        body: typeof body.body === 'string' ? body.body : null,
        head,
        base,
        state: 'open',
      };
      pulls.push(pull);
      return send(response, 201, pullJson(pull));
    }
    if (segments[0] === 'pulls' && segments.length === 2 && method === 'PATCH') {
      const pull = pulls.find((p) => p.number === Number(segments[1]));
      if (pull === undefined) return notFound(response, 'pulls/pulls#update-a-pull-request');
      const body = json();
      if (typeof body.title === 'string') pull.title = body.title;
      if (typeof body.body === 'string') pull.body = body.body;
      if (body.state === 'open' || body.state === 'closed') pull.state = body.state;
      return send(response, 200, pullJson(pull));
    }
    return notFound(response, '');
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { message: `fake server error: ${String(error)}` });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${origin}${PREFIX}`,
    owner: OWNER,
    repo: REPO,
    token,
    requests,
    releases,
    pulls,
    refs,
    files,
    commitFile,
    fail: (fault) => faults.push({ ...fault }),
    failUploadHalfway: (name) => halfway.add(name),
    tamperAsset: (tag, name) => {
      const asset = releases.find((r) => r.tag_name === tag)?.assets.find((a) => a.name === name);
      if (asset === undefined) throw new Error(`no asset ${name} on ${tag}`);
      asset.bytes = new Uint8Array([...asset.bytes, 33]);
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}
