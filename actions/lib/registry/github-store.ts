// The GitHub Releases store: a version is a release tagged `model/<name>/v<N>` whose assets are
// the version's files and manifest.json, and whose body is the model card. models/aliases.json in
// the repository holds the aliases.
//
// Publishing claims the number by creating the tag (a ref) first: GitHub answers 422 when it
// exists, and the next number is tried, so two publishes at once never share one. The release is
// made as a draft, its assets uploaded (a failed upload's leftover asset is deleted before the
// retry), then published; a publish that cannot complete deletes its release and tag.

import { describeError, FreshetError } from '../errors.ts';
import type { GitHubClient } from '../github/client.ts';
import { statusOf, toGitHubApiError } from '../github/request-error.ts';
import type { RepositoryRef } from '../github/workflow-run.ts';
import type { Logger } from '../util/logger.ts';
import { type Aliases, parseAliases } from './aliases.ts';
import { modelCard } from './card.ts';
import { RegistryError, RegistryNotFoundError } from './errors.ts';
import {
  findAsset,
  formatManifest,
  MANIFEST_ASSET,
  MANIFEST_SCHEMA,
  type Manifest,
  parseManifest,
} from './manifest.ts';
import { modelNameProblem } from './names.ts';
import type { DraftAsset, ModelListing, RegistryStore, VersionDraft } from './store.ts';
import { formatModelUri } from './uri.ts';
import { verifyAssetBytes } from './verify.ts';

/** Where the repository keeps its aliases. */
export const ALIASES_PATH = 'models/aliases.json';

/** A version's tag: `model/<name>/v<N>`. */
export function tagOf(name: string, version: number): string {
  return `model/${name}/v${version}`;
}

/** The version a tag of model `name` holds, or undefined when the tag is not one of its versions. */
export function versionOfTag(name: string, tag: string): number | undefined {
  const prefix = `model/${name}/v`;
  if (!tag.startsWith(prefix)) return undefined;
  const rest = tag.slice(prefix.length);
  return /^[1-9][0-9]{0,14}$/.test(rest) ? Number(rest) : undefined;
}

/** The model and version of a tag, or undefined. */
function parseTag(tag: string): { name: string; version: number } | undefined {
  const match = /^model\/([^/]+)\/v([1-9][0-9]{0,14})$/.exec(tag);
  if (match === null || match[1] === undefined || modelNameProblem(match[1]) !== undefined) {
    return undefined;
  }
  return { name: match[1], version: Number(match[2]) };
}

/** How the store reaches its repository. */
export interface GitHubStoreOptions {
  readonly client: GitHubClient;
  readonly repository: RepositoryRef;
  readonly logger: Logger;
  /** The clock, epoch ms (created_at). */
  readonly now?: () => number;
  /** The commit new tags point at (GITHUB_SHA); default: the default branch's head. */
  readonly commit?: string;
  /** Where models/aliases.json is read (a branch or commit); default: the default branch. */
  readonly aliasesRef?: string;
  /** Tries per asset upload (default 3). */
  readonly uploadAttempts?: number;
}

/** A release as far as the store reads it. */
interface Release {
  readonly id: number;
  readonly tag_name: string;
  readonly draft: boolean;
  readonly upload_url: string;
  readonly assets: readonly { readonly id: number; readonly name: string }[];
}

const MAX_NUMBER_ATTEMPTS = 100;

/**
 * Opens the store of one repository.
 *
 * @example
 * const store = githubStore({ client: createGitHubClient({ token, logger }), repository, logger });
 * const manifest = await store.get('ozone-forest', 3);
 */
export function githubStore(options: GitHubStoreOptions): RegistryStore {
  const { client, logger } = options;
  const { owner, repo } = options.repository;
  const now = options.now ?? Date.now;
  const uploadAttempts = options.uploadAttempts ?? 3;
  const location = `${owner}/${repo}`;

  /** Runs a request, its errors translated (a 404 passed through as undefined when asked). */
  async function call<T>(
    method: string,
    path: string,
    permission: string,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toGitHubApiError(error, method, `/repos/${owner}/${repo}${path}`, permission);
    }
  }
  async function orUndefinedOn404<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (statusOf(error) === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async function releases(): Promise<Release[]> {
    const all = await call('GET', '/releases', 'contents: read', () =>
      client.paginate(client.rest.repos.listReleases, { owner, repo, per_page: 100 }),
    );
    return all.filter((release) => !release.draft) as Release[];
  }

  async function versions(name: string): Promise<number[]> {
    const found: number[] = [];
    for (const release of await releases()) {
      const version = versionOfTag(name, release.tag_name);
      if (version !== undefined) found.push(version);
    }
    return found.sort((a, b) => a - b);
  }

  async function list(): Promise<ModelListing[]> {
    const byName = new Map<string, number[]>();
    for (const release of await releases()) {
      const tag = parseTag(release.tag_name);
      if (tag === undefined) continue;
      byName.set(tag.name, [...(byName.get(tag.name) ?? []), tag.version]);
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, found]) => ({ name, versions: found.sort((a, b) => a - b) }));
  }

  async function downloadAsset(assetId: number): Promise<Uint8Array> {
    const response = await call('GET', `/releases/assets/${assetId}`, 'contents: read', () =>
      client.rest.repos.getReleaseAsset({
        owner,
        repo,
        asset_id: assetId,
        headers: { accept: 'application/octet-stream' },
      }),
    );
    const data: unknown = response.data;
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (typeof data === 'string') return new TextEncoder().encode(data);
    throw new RegistryError(`GitHub sent asset ${assetId} as ${typeof data}, not bytes`);
  }

  /**
   * The version's release and manifest, read once per store: a published version does not change
   * (and every download still checks the asset's bytes), so a reader of many assets (the site)
   * makes one request per asset rather than three. A failed read is not kept.
   */
  const readReleases = new Map<string, Promise<{ release: Release; manifest: Manifest }>>();
  function release(name: string, version: number) {
    const key = tagOf(name, version);
    let found = readReleases.get(key);
    if (found === undefined) {
      found = readRelease(name, version);
      readReleases.set(key, found);
      found.catch(() => readReleases.delete(key));
    }
    return found;
  }

  async function readRelease(
    name: string,
    version: number,
  ): Promise<{ release: Release; manifest: Manifest }> {
    const uri = formatModelUri({ kind: 'version', name, version });
    const problem = modelNameProblem(name);
    if (problem) throw new RegistryNotFoundError(`${uri}: ${problem}`);
    const tag = tagOf(name, version);
    const found = await orUndefinedOn404(() =>
      call('GET', `/releases/tags/${tag}`, 'contents: read', () =>
        client.rest.repos.getReleaseByTag({ owner, repo, tag }),
      ),
    );
    if (found === undefined) {
      const known = await versions(name);
      throw new RegistryNotFoundError(
        known.length === 0
          ? `${uri}: ${location} has no release of a model named ${name}`
          : `${uri}: ${name} has no version ${version} (its versions: ${known.join(', ')})`,
      );
    }
    const data = found.data as unknown as Release;
    const manifestAsset = data.assets.find((a) => a.name === MANIFEST_ASSET);
    if (manifestAsset === undefined) {
      throw new RegistryError(`${uri}: release ${tag} has no ${MANIFEST_ASSET}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(await downloadAsset(manifestAsset.id)));
    } catch (error) {
      if (error instanceof FreshetError) throw error;
      throw new RegistryError(`${uri}: its manifest.json is not JSON`, { cause: error });
    }
    const manifest = parseManifest(value, `${uri} manifest.json`);
    if (manifest.name !== name || manifest.version !== version) {
      throw new RegistryError(
        `${uri}: its manifest says ${formatModelUri({ kind: 'version', name: manifest.name, version: manifest.version })}`,
      );
    }
    return { release: data, manifest };
  }

  async function download(name: string, version: number, assetName: string): Promise<Uint8Array> {
    const uri = formatModelUri({ kind: 'version', name, version });
    const { release: found, manifest } = await release(name, version);
    const asset = findAsset(manifest, assetName);
    if (asset === undefined) {
      throw new RegistryNotFoundError(
        `${uri} has no asset ${assetName} (its assets: ${manifest.assets.map((a) => a.name).join(', ')})`,
      );
    }
    const stored = found.assets.find((a) => a.name === asset.name);
    if (stored === undefined) {
      throw new RegistryError(
        `${uri}: its release has no asset ${asset.name}, which its manifest lists`,
      );
    }
    return verifyAssetBytes(uri, asset, await downloadAsset(stored.id));
  }

  async function aliases(): Promise<Aliases> {
    const ref = options.aliasesRef;
    const found = await orUndefinedOn404(() =>
      call('GET', `/contents/${ALIASES_PATH}`, 'contents: read', () =>
        client.rest.repos.getContent({
          owner,
          repo,
          path: ALIASES_PATH,
          ...(ref === undefined ? {} : { ref }),
        }),
      ),
    );
    if (found === undefined) return {};
    const data = found.data as { type?: string; content?: string; encoding?: string };
    if (data.type !== 'file' || typeof data.content !== 'string') {
      throw new RegistryError(`${location}: ${ALIASES_PATH} is not a file`);
    }
    const text = Buffer.from(data.content, 'base64').toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RegistryError(`${location}: ${ALIASES_PATH} is not JSON`, { cause: error });
    }
    return parseAliases(value, `${location} ${ALIASES_PATH}`);
  }

  async function headCommit(): Promise<string> {
    if (options.commit !== undefined) return options.commit;
    const { data: repository } = await call('GET', '', 'contents: read', () =>
      client.rest.repos.get({ owner, repo }),
    );
    const branch = repository.default_branch;
    const { data: ref } = await call('GET', `/git/ref/heads/${branch}`, 'contents: read', () =>
      client.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
    );
    return ref.object.sha;
  }

  async function lastTaggedVersion(name: string): Promise<number> {
    const refs = await call(
      'GET',
      `/git/matching-refs/tags/model/${name}/v`,
      'contents: read',
      () =>
        client.paginate(client.rest.git.listMatchingRefs, {
          owner,
          repo,
          ref: `tags/model/${name}/v`,
        }),
    );
    let last = 0;
    for (const ref of refs) {
      const version = versionOfTag(name, ref.ref.replace(/^refs\/tags\//, ''));
      if (version !== undefined && version > last) last = version;
    }
    return last;
  }

  /** Creates the tag of the first free number from the last one + 1; returns the number. */
  async function claimVersion(name: string, commit: string): Promise<number> {
    let version = (await lastTaggedVersion(name)) + 1;
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++, version++) {
      const tag = tagOf(name, version);
      try {
        await call('POST', '/git/refs', 'contents: write', () =>
          client.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha: commit }),
        );
        return version;
      } catch (error) {
        // 422: the tag exists (another publish took the number): try the next.
        if (statusOf(error) !== 422) throw error;
        logger.info(`tag ${tag} exists: trying the next version`);
      }
    }
    throw new RegistryError(
      `publishing ${name}: no free version after ${MAX_NUMBER_ATTEMPTS} tries`,
    );
  }

  /** Uploads one asset, retrying; a half-uploaded asset of that name is deleted before a retry. */
  async function upload(found: Release, name: string, contentType: string, bytes: Uint8Array) {
    for (let attempt = 1; ; attempt++) {
      try {
        await call('POST', `/releases/${found.id}/assets`, 'contents: write', () =>
          client.request({
            method: 'POST',
            url: found.upload_url,
            name,
            data: bytes as unknown as string,
            headers: { 'content-type': contentType, 'content-length': bytes.byteLength },
            // Retried here, not by the plugin: a failed upload may leave an asset to delete first.
            request: { retries: 0 },
          }),
        );
        return;
      } catch (error) {
        if (attempt >= uploadAttempts) throw error;
        logger.warn(`uploading ${name} failed (${describeError(error)}): retrying`);
        const assets = await call('GET', `/releases/${found.id}/assets`, 'contents: read', () =>
          client.paginate(client.rest.repos.listReleaseAssets, {
            owner,
            repo,
            release_id: found.id,
            per_page: 100,
          }),
        );
        for (const leftover of assets.filter((a) => a.name === name)) {
          await call('DELETE', `/releases/assets/${leftover.id}`, 'contents: write', () =>
            client.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: leftover.id }),
          );
        }
      }
    }
  }

  /** Reads and checks every asset before anything is created, so a bad draft creates nothing. */
  async function checkDraft(draft: VersionDraft): Promise<void> {
    for (const asset of draft.assets) {
      await verifyAssetBytes(`publishing ${draft.name}`, asset, await asset.read());
    }
  }

  async function publish(draft: VersionDraft): Promise<Manifest> {
    await checkDraft(draft);
    const commit = await headCommit();
    const version = await claimVersion(draft.name, commit);
    const tag = tagOf(draft.name, version);
    const manifest: Manifest = parseManifest({
      schema: MANIFEST_SCHEMA,
      name: draft.name,
      version,
      created_at: new Date(now()).toISOString(),
      ...draft.fields,
      assets: draft.assets.map(({ read: _read, ...asset }) => asset),
    });
    let created: Release | undefined;
    try {
      const { data } = await call('POST', '/releases', 'contents: write', () =>
        client.rest.repos.createRelease({
          owner,
          repo,
          tag_name: tag,
          name: `${draft.name} v${version}`,
          body: modelCard(manifest),
          draft: true,
        }),
      );
      created = data as unknown as Release;
      const release = created;
      for (const asset of draft.assets as readonly DraftAsset[]) {
        await upload(release, asset.name, asset.content_type, await asset.read());
      }
      const manifestBytes = new TextEncoder().encode(formatManifest(manifest));
      await upload(release, MANIFEST_ASSET, 'application/json', manifestBytes);
      await call('PATCH', `/releases/${release.id}`, 'contents: write', () =>
        client.rest.repos.updateRelease({
          owner,
          repo,
          release_id: release.id,
          draft: false,
          // A model's release is not the repository's latest release.
          make_latest: 'false',
        }),
      );
      logger.info(`released ${tag} in ${location}`);
      return manifest;
    } catch (error) {
      await removeBroken(tag, created?.id);
      throw new RegistryError(
        `publishing ${draft.name} v${version} to ${location} failed, nothing was kept`,
        {
          cause: error,
        },
      );
    }
  }

  /** Deletes what a failed publish made: its release, then its tag (each attempted). */
  async function removeBroken(tag: string, releaseId: number | undefined): Promise<void> {
    if (releaseId !== undefined) {
      try {
        await call('DELETE', `/releases/${releaseId}`, 'contents: write', () =>
          client.rest.repos.deleteRelease({ owner, repo, release_id: releaseId }),
        );
      } catch (error) {
        logger.error(`deleting the broken release of ${tag} failed: ${describeError(error)}`);
      }
    }
    try {
      await call('DELETE', `/git/refs/tags/${tag}`, 'contents: write', () =>
        client.rest.git.deleteRef({ owner, repo, ref: `tags/${tag}` }),
      );
    } catch (error) {
      logger.error(`deleting the tag ${tag} of a broken publish failed: ${describeError(error)}`);
    }
  }

  return {
    kind: 'github',
    location,
    publish,
    list,
    versions,
    get: async (name, version) => (await release(name, version)).manifest,
    download,
    aliases,
  };
}
