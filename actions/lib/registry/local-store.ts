// The local folder store: `<stateDir>/registry/<name>/<N>/` holds a version's assets and its
// manifest.json; `<stateDir>/registry/aliases.json` its aliases (the form of models/aliases.json),
// so that running on a laptop never edits a tracked file. The command line's default store.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Aliases } from './aliases.ts';
import { readAliasesFile, writeAliasesFile } from './aliases-file.ts';
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
import type { ModelListing, RegistryStore, VersionDraft } from './store.ts';
import { formatModelUri } from './uri.ts';
import { verifyAssetBytes } from './verify.ts';

/** The registry's folder under a state directory. */
export function localRegistryDir(stateDir: string): string {
  return join(stateDir, 'registry');
}

/** The aliases file of the local store. */
export const LOCAL_ALIASES_FILE = 'aliases.json';

const VERSION_FOLDER = /^[1-9][0-9]*$/;
/** Publishes that lost the race to a number try the next; this many is a store gone wrong. */
const MAX_NUMBER_ATTEMPTS = 100;

const errno = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error ? String(error.code) : undefined;

/** The local store, with what it can do beyond the interface: set aliases. */
export interface LocalStore extends RegistryStore {
  readonly kind: 'local';
  /** Replaces the aliases file (written whole, then renamed into place). */
  setAliases(aliases: Aliases): Promise<void>;
}

/**
 * Opens the local store under `<stateDir>/registry` (made on first publish).
 *
 * @example
 * const store = localStore('.freshet', { now: Date.now });
 * const manifest = await store.publish(draft); // .freshet/registry/ozone-forest/1/
 */
export function localStore(stateDir: string, options: { now?: () => number } = {}): LocalStore {
  const root = localRegistryDir(stateDir);
  const now = options.now ?? Date.now;
  const folderOf = (name: string, version?: number) => {
    const problem = modelNameProblem(name);
    if (problem) throw new RegistryNotFoundError(problem);
    return version === undefined ? join(root, name) : join(root, name, String(version));
  };

  async function versions(name: string): Promise<number[]> {
    let entries: string[];
    try {
      entries = await readdir(folderOf(name));
    } catch (error) {
      if (errno(error) === 'ENOENT') return [];
      throw new RegistryError(`listing the versions of ${name} in ${root} failed`, {
        cause: error,
      });
    }
    return entries
      .filter((entry) => VERSION_FOLDER.test(entry))
      .map(Number)
      .sort((a, b) => a - b);
  }

  async function get(name: string, version: number): Promise<Manifest> {
    const where = formatModelUri({ kind: 'version', name, version });
    let text: string;
    try {
      text = await readFile(join(folderOf(name, version), MANIFEST_ASSET), 'utf8');
    } catch (error) {
      if (errno(error) === 'ENOENT') {
        const known = await versions(name);
        throw new RegistryNotFoundError(
          known.length === 0
            ? `${where}: the local registry (${root}) has no model named ${name}`
            : `${where}: ${name} has no version ${version} (its versions: ${known.join(', ')})`,
        );
      }
      throw new RegistryError(`${where}: reading its manifest failed`, { cause: error });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RegistryError(`${where}: its manifest.json is not JSON`, { cause: error });
    }
    const manifest = parseManifest(value, `${where} manifest.json`);
    if (manifest.name !== name || manifest.version !== version) {
      throw new RegistryError(
        `${where}: its manifest says ${formatModelUri({ kind: 'version', name: manifest.name, version: manifest.version })}`,
      );
    }
    return manifest;
  }

  /** Writes the draft's assets into a staging folder beside the versions (same file system). */
  async function stage(draft: VersionDraft): Promise<string> {
    const staging = join(folderOf(draft.name), `.staging-${randomUUID()}`);
    try {
      await mkdir(staging, { recursive: true });
      for (const asset of draft.assets) {
        const bytes = await asset.read();
        await verifyAssetBytes(`publishing ${draft.name}`, asset, bytes);
        await writeFile(join(staging, asset.name), bytes);
      }
      return staging;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  async function publish(draft: VersionDraft): Promise<Manifest> {
    const staging = await stage(draft);
    try {
      for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
        const version = ((await versions(draft.name)).at(-1) ?? 0) + 1;
        const manifest: Manifest = {
          schema: MANIFEST_SCHEMA,
          name: draft.name,
          version,
          created_at: new Date(now()).toISOString(),
          ...draft.fields,
          assets: draft.assets.map(({ read: _read, ...asset }) => asset),
        };
        await writeFile(join(staging, MANIFEST_ASSET), formatManifest(parseManifest(manifest)));
        try {
          // A rename onto an existing version (never empty) fails: the number was taken meanwhile.
          await rename(staging, folderOf(draft.name, version));
          return manifest;
        } catch (error) {
          const code = errno(error);
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
        }
      }
      throw new RegistryError(
        `publishing ${draft.name}: no free version number after ${MAX_NUMBER_ATTEMPTS} attempts`,
      );
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(`publishing ${draft.name} to ${root} failed`, { cause: error });
    }
  }

  async function list(): Promise<ModelListing[]> {
    let entries: string[];
    try {
      entries = (await readdir(root, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory() && modelNameProblem(entry.name) === undefined)
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      if (errno(error) === 'ENOENT') return [];
      throw new RegistryError(`listing ${root} failed`, { cause: error });
    }
    const listings: ModelListing[] = [];
    for (const name of entries) {
      const found = await versions(name);
      if (found.length > 0) listings.push({ name, versions: found });
    }
    return listings;
  }

  async function download(name: string, version: number, assetName: string): Promise<Uint8Array> {
    const manifest = await get(name, version);
    const where = formatModelUri({ kind: 'version', name, version });
    const asset = findAsset(manifest, assetName);
    if (asset === undefined) {
      throw new RegistryNotFoundError(
        `${where} has no asset ${assetName} (its assets: ${manifest.assets.map((a) => a.name).join(', ')})`,
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(folderOf(name, version), asset.name)));
    } catch (error) {
      throw new RegistryError(`${where}: reading ${asset.name} failed`, { cause: error });
    }
    return verifyAssetBytes(where, asset, bytes);
  }

  const aliasesPath = join(root, LOCAL_ALIASES_FILE);
  const aliases = (): Promise<Aliases> => readAliasesFile(aliasesPath);
  const setAliases = (next: Aliases): Promise<void> => writeAliasesFile(aliasesPath, next);

  return {
    kind: 'local',
    location: root,
    publish,
    list,
    versions,
    get,
    download,
    aliases,
    setAliases,
  };
}
