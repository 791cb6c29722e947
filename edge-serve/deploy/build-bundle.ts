// The deployment bundle: the promoted versions, each as a binary forest (forest-binary.ts) with its
// sha256, and index.json naming them with their manifests and aliases. Built from plain values so
// that any registry store can feed it; the files it returns are the Worker's static assets. Pure
// (Web crypto only): writing them is write-bundle.ts's job.
import { UsageError } from '../../actions/lib/errors.ts';
import { featureNames, parseFeatureSpec } from '../../actions/lib/training/data/feature-spec.ts';
import { parseModelJson } from '../../actions/lib/training/forest/model-format.ts';
import {
  BUNDLE_PREFIX,
  type DeployedModel,
  type DeployedVersion,
  type DeploymentIndex,
  INDEX_PATH,
  INDEX_SCHEMA,
  type Json,
} from '../src/bundle/deployment-index.ts';
import { encodeForest, FOREST_BINARY_VERSION } from '../src/bundle/forest-binary.ts';

/** One version to deploy, as the registry holds it. */
export interface PromotedVersion {
  readonly name: string;
  readonly version: number;
  /** manifest.json, parsed. */
  readonly manifest: unknown;
  /** model.json's bytes, as published (their sha256 is checked against the manifest). */
  readonly modelJson: Uint8Array;
}

export interface BundleInput {
  readonly versions: readonly PromotedVersion[];
  /** name → alias → version, as models/aliases.json has it. */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The model `/invocations` serves; may be left out when there is only one. */
  readonly defaultModel?: string | undefined;
  /** When the bundle was built (RFC 3339), recorded in index.json. */
  readonly builtAt: string;
}

/** The bundle's files: path under the assets directory (no leading slash) → bytes. */
export type BundleFiles = ReadonlyMap<string, Uint8Array>;

/**
 * Builds the deployment bundle of the promoted versions. Every version an alias names must be
 * given; each model.json must match its manifest's sha256 and signature and pass the library's
 * checks (parseModelJson), so the Worker only ever serves forests validated here.
 *
 * @throws UsageError listing every problem
 * @example
 * const files = await buildDeploymentBundle({ versions, aliases: { 'ozone-forest': { production: 3 } },
 *   builtAt: new Date().toISOString() });
 * files.get('_bundle/index.json') // the index's bytes
 */
export async function buildDeploymentBundle(input: BundleInput): Promise<BundleFiles> {
  const problems: string[] = [];
  const files = new Map<string, Uint8Array>();
  const models: Record<
    string,
    { aliases: Record<string, number>; versions: Record<string, DeployedVersion> }
  > = {};
  for (const promoted of input.versions) {
    const where = `${promoted.name} version ${promoted.version}`;
    const entry = await deployVersion(promoted, where, problems);
    if (entry === undefined) continue;
    const path = `${BUNDLE_PREFIX}/models/${encodeURIComponent(promoted.name)}/${promoted.version}/forest.bin`;
    files.set(path.slice(1), entry.bytes);
    models[promoted.name] ??= { aliases: {}, versions: {} };
    const model = models[promoted.name] as (typeof models)[string];
    model.versions[String(promoted.version)] = {
      ...entry.version,
      forest: {
        path,
        format: FOREST_BINARY_VERSION,
        size: entry.bytes.length,
        sha256: await sha256Hex(entry.bytes),
      },
    };
  }
  for (const [name, aliases] of Object.entries(input.aliases)) {
    for (const [alias, version] of Object.entries(aliases)) {
      const model = models[name];
      if (model?.versions[String(version)] === undefined) {
        problems.push(
          `${name}@${alias} names version ${version}, which was not given (or not valid)`,
        );
      } else model.aliases[alias] = version;
    }
  }
  const names = Object.keys(models).sort();
  const defaultModel = input.defaultModel ?? (names.length === 1 ? names[0] : undefined);
  if (names.length === 0) problems.push('no model version to deploy: promote one first');
  else if (defaultModel === undefined) {
    problems.push(`several models (${names.join(', ')}): name the default one`);
  } else if (!names.includes(defaultModel)) {
    problems.push(
      `the default model ${defaultModel} is not among those deployed (${names.join(', ')})`,
    );
  }
  if (problems.length > 0 || defaultModel === undefined) throw new UsageError(problems);
  const index: DeploymentIndex = {
    schema: INDEX_SCHEMA,
    built_at: input.builtAt,
    default_model: defaultModel,
    models: Object.fromEntries(names.map((name) => [name, models[name] as DeployedModel])),
  };
  files.set(INDEX_PATH.slice(1), new TextEncoder().encode(`${JSON.stringify(index, null, 2)}\n`));
  return files;
}

/** Checks one version against its manifest and encodes its forest. */
async function deployVersion(
  promoted: PromotedVersion,
  where: string,
  problems: string[],
): Promise<{ version: Omit<DeployedVersion, 'forest'>; bytes: Uint8Array } | undefined> {
  const start = problems.length;
  const manifest = promoted.manifest;
  if (!isObject(manifest)) {
    problems.push(`${where}: manifest.json must be an object`);
    return undefined;
  }
  if (manifest.name !== promoted.name || manifest.version !== promoted.version) {
    problems.push(
      `${where}: manifest.json is of ${String(manifest.name)} version ${String(manifest.version)}`,
    );
  }
  const assets = Array.isArray(manifest.assets) ? manifest.assets : [];
  const recorded = assets.find((a) => isObject(a) && a.name === 'model.json') as
    | Record<string, unknown>
    | undefined;
  const actual = await sha256Hex(promoted.modelJson);
  if (recorded === undefined) problems.push(`${where}: manifest.json lists no model.json asset`);
  else if (recorded.sha256 !== actual) {
    problems.push(
      `${where}: model.json's sha256 is ${actual}, but the manifest records ${String(recorded.sha256)}`,
    );
  }
  let forest: ReturnType<typeof parseModelJson>;
  try {
    forest = parseModelJson(new TextDecoder('utf-8', { fatal: true }).decode(promoted.modelJson));
  } catch (error) {
    const detail = error instanceof UsageError ? error.problems.join('; ') : String(error);
    problems.push(`${where}: ${detail}`);
    return undefined;
  }
  const signature = isObject(manifest.signature) ? manifest.signature : {};
  if (JSON.stringify(signature.inputs) !== JSON.stringify(forest.inputs)) {
    problems.push(`${where}: the manifest's signature.inputs differ from model.json's`);
  }
  let features: DeployedVersion['features'] = null;
  if (forest.features !== null) {
    try {
      features = parseFeatureSpec(forest.features, `${where}: model.json features`);
      if (JSON.stringify(featureNames(features)) !== JSON.stringify(forest.inputs)) {
        problems.push(`${where}: model.json's features do not give its signature's inputs`);
      }
    } catch (error) {
      problems.push(...(error instanceof UsageError ? error.problems : [String(error)]));
    }
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = encodeForest(forest);
  } catch (error) {
    // A forest the deployed form cannot hold (too many features, a tree too large).
    problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (problems.length > start || bytes === undefined) return undefined;
  return {
    version: {
      version: promoted.version,
      inputs: forest.inputs,
      output: forest.output,
      features,
      manifest: manifest as { [key: string]: Json },
    },
    bytes,
  };
}

/** Lower-case hex sha256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
