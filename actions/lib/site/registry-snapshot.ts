// The registry as the site shows it: every model, every readable version with its manifest and the
// artifacts the pages chart (test-window predictions, feature importances, a model card). A version
// that cannot be read is left out and named in `problems`: one broken upload must not hide the rest.
import { UsageError } from '../errors.ts';
import { type Prediction, parsePredictionsCsv } from '../training/run/run-predictions.ts';
import { type Manifest, parseManifest } from './manifest.ts';
import type { Aliases, RegistryReader } from './registry-reader.ts';

/** The assets the site reads besides manifest.json (each optional). */
export const SITE_ASSETS = {
  manifest: 'manifest.json',
  predictions: 'predictions.csv',
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

async function readVersion(
  reader: RegistryReader,
  name: string,
  version: number,
  problems: string[],
): Promise<VersionRecord | undefined> {
  const where = (asset: string) => `${reader.label}/${name}/${version}/${asset}`;
  const manifestText = await reader.text(name, version, SITE_ASSETS.manifest);
  if (manifestText === undefined) {
    problems.push(`${where(SITE_ASSETS.manifest)} is missing: version ${version} left out`);
    return undefined;
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(manifestText, where(SITE_ASSETS.manifest));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems, `${name} version ${version} left out`);
    return undefined;
  }
  if (manifest.name !== name || manifest.version !== version) {
    problems.push(
      `${where(SITE_ASSETS.manifest)} names ${manifest.name} v${manifest.version}: version ${version} left out`,
    );
    return undefined;
  }
  // The optional artifacts: a bad one loses its chart, not the version.
  const optional = async <T>(asset: string, parse: (text: string) => T): Promise<T | undefined> => {
    const text = await reader.text(name, version, asset);
    if (text === undefined) return undefined;
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(...error.problems.map((p) => `${where(asset)}: ${p}`));
      return undefined;
    }
  };
  const predictions = await optional(SITE_ASSETS.predictions, parsePredictionsCsv);
  const importances = await optional(SITE_ASSETS.importances, (text) =>
    parseImportances(text, where(SITE_ASSETS.importances)),
  );
  const card = await reader.text(name, version, SITE_ASSETS.card);
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
 * @example const registry = await readRegistry(localRegistryReader('.freshet/registry'));
 */
export async function readRegistry(reader: RegistryReader): Promise<RegistrySnapshot> {
  const problems: string[] = [];
  let aliases: Aliases = {};
  try {
    aliases = await reader.aliases();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems, 'aliases left out');
  }
  const names = await reader.models();
  const models: ModelRecord[] = [];
  for (const name of names) {
    const versions: VersionRecord[] = [];
    for (const version of await reader.versions(name)) {
      const record = await readVersion(reader, name, version, problems);
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
  return { source: reader.label, models, problems };
}
