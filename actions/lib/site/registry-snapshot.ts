// The registry as the site shows it: every model, every readable version with its manifest and the
// artifacts the pages chart (test-window predictions, feature importances, a model card), read
// through the registry's store (the local folder or GitHub Releases), each asset checked against
// its sha256. A version that cannot be read is left out and named in `problems`: one broken upload
// must not hide the rest.
import { UsageError } from '../errors.ts';
import type { Aliases } from '../registry/aliases.ts';
import { InvalidDocumentError, RegistryError, RegistryNotFoundError } from '../registry/errors.ts';
import { findAsset, MANIFEST_ASSET, type Manifest } from '../registry/manifest.ts';
import type { RegistryStore } from '../registry/store.ts';
import {
  PREDICTIONS_FILE,
  type Prediction,
  parsePredictionsCsv,
} from '../training/run/run-predictions.ts';

/** The assets the site reads besides manifest.json (each optional). */
export const SITE_ASSETS = {
  manifest: MANIFEST_ASSET,
  predictions: PREDICTIONS_FILE,
  importances: 'feature_importance.json',
  card: 'MODEL_CARD.md',
} as const;

/** A feature and its share of the forest's impurity decrease. */
export interface FeatureImportance {
  readonly feature: string;
  readonly importance: number;
}

/** One version as read. */
export interface VersionRecord {
  readonly manifest: Manifest;
  readonly predictions?: readonly Prediction[];
  readonly importances?: readonly FeatureImportance[];
  /** The project's own model card (Markdown source), when it wrote one. */
  readonly card?: string;
}

/** One model and its readable versions, ascending. */
export interface ModelRecord {
  readonly name: string;
  readonly aliases: Readonly<Record<string, number>>;
  readonly versions: readonly VersionRecord[];
}

export interface RegistrySnapshot {
  /** Where it was read from. */
  readonly source: string;
  readonly models: readonly ModelRecord[];
  /** What was left out and why. */
  readonly problems: readonly string[];
}

/**
 * Parses feature_importance.json: a list of `{feature, importance}`.
 *
 * @throws UsageError naming `where`
 */
export function parseImportances(text: string, where: string): FeatureImportance[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  const ok =
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof item.feature === 'string' &&
        typeof item.importance === 'number' &&
        Number.isFinite(item.importance),
    );
  if (!ok) throw new UsageError(`${where} must be a list of {"feature", "importance"} objects`);
  return value as FeatureImportance[];
}

/**
 * Where a version's asset is, for messages: its path in the local store, its release in GitHub's.
 *
 * @example assetLabel(store, 'ozone', 3, 'manifest.json') // '.freshet/registry/ozone/3/manifest.json'
 */
export function assetLabel(
  store: Pick<RegistryStore, 'kind' | 'location'>,
  name: string,
  version: number,
  asset: string,
): string {
  return store.kind === 'local'
    ? `${store.location}/${name}/${version}/${asset}`
    : `${store.location} release model/${name}/v${version} ${asset}`;
}

/** A problem of the store's documents (not of reaching it): named, and the version left out. */
function documentProblems(error: unknown): readonly string[] | undefined {
  if (error instanceof InvalidDocumentError) return error.problems;
  if (error instanceof RegistryError) return [error.message];
  return undefined;
}

async function readVersion(
  store: RegistryStore,
  name: string,
  version: number,
  problems: string[],
): Promise<VersionRecord | undefined> {
  const where = (asset: string) => assetLabel(store, name, version, asset);
  let manifest: Manifest;
  try {
    manifest = await store.get(name, version);
  } catch (error) {
    if (error instanceof RegistryNotFoundError) {
      problems.push(`${where(SITE_ASSETS.manifest)} is missing: version ${version} left out`);
      return undefined;
    }
    const found = documentProblems(error);
    if (found === undefined) throw error;
    problems.push(
      ...found.map((p) => `${where(SITE_ASSETS.manifest)}: ${p}`),
      `${name} version ${version} left out`,
    );
    return undefined;
  }
  // The optional artifacts, read only when the manifest lists them: a bad one (unreadable, not
  // matching its sha256, or not parsing) loses its chart, not the version.
  const optional = async <T>(asset: string, parse: (text: string) => T): Promise<T | undefined> => {
    if (findAsset(manifest, asset) === undefined) return undefined;
    try {
      return parse(new TextDecoder().decode(await store.download(name, version, asset)));
    } catch (error) {
      if (error instanceof UsageError) {
        problems.push(...error.problems.map((p) => `${where(asset)}: ${p}`));
        return undefined;
      }
      const found = documentProblems(error);
      if (found === undefined) throw error;
      problems.push(...found.map((p) => `${where(asset)}: ${p}`));
      return undefined;
    }
  };
  const predictions = await optional(SITE_ASSETS.predictions, parsePredictionsCsv);
  const importances = await optional(SITE_ASSETS.importances, (text) =>
    parseImportances(text, where(SITE_ASSETS.importances)),
  );
  const card = await optional(SITE_ASSETS.card, (text) => text);
  return {
    manifest,
    ...(predictions ? { predictions } : {}),
    ...(importances ? { importances } : {}),
    ...(card !== undefined ? { card } : {}),
  };
}

/**
 * Reads every model and version the store holds, with its aliases. Aliases naming a model the
 * store lacks are reported as problems.
 *
 * @example const registry = await readRegistry(localStore('.freshet'));
 */
export async function readRegistry(store: RegistryStore): Promise<RegistrySnapshot> {
  const problems: string[] = [];
  let aliases: Aliases = {};
  try {
    aliases = await store.aliases();
  } catch (error) {
    const found = documentProblems(error);
    if (found === undefined) throw error;
    problems.push(...found, 'aliases left out');
  }
  const listings = await store.list();
  const names = listings.map((listing) => listing.name);
  const models: ModelRecord[] = [];
  for (const { name, versions: numbers } of listings) {
    const versions: VersionRecord[] = [];
    for (const version of numbers) {
      const record = await readVersion(store, name, version, problems);
      if (record) versions.push(record);
    }
    if (versions.length === 0) continue;
    const own = aliases[name] ?? {};
    for (const [alias, version] of Object.entries(own)) {
      if (!versions.some((v) => v.manifest.version === version)) {
        problems.push(`alias ${name}@${alias} names version ${version}, which the registry lacks`);
      }
    }
    models.push({ name, aliases: own, versions });
  }
  for (const name of Object.keys(aliases)) {
    if (!names.includes(name))
      problems.push(`aliases name model ${name}, which the registry lacks`);
  }
  const source = store.kind === 'local' ? store.location : `the releases of ${store.location}`;
  return { source, models, problems };
}
