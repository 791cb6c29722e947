// index.json: what a deployment serves. The bundle builder writes it beside the forest files; the
// Worker reads it once per isolate. Small (names, aliases, manifests, sha256s), so parsing it is
// cheap; the forests themselves are binary files it points to. Web-standard.
import type { FeatureSpec } from '../../../actions/lib/training/data/feature-spec.ts';
import { FOREST_BINARY_VERSION } from './forest-binary.ts';

/** Where the bundle's files live under the static assets' root (never served as they are). */
export const BUNDLE_PREFIX = '/_bundle';
/** The index's path under the assets' root. */
export const INDEX_PATH = `${BUNDLE_PREFIX}/index.json`;
/** The only layout this code writes and reads (2: forests carry their binary format's version). */
export const INDEX_SCHEMA = 2;

/** Any value JSON can hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One deployed version of a model. */
export interface DeployedVersion {
  readonly version: number;
  /**
   * The binary forest (see forest-binary.ts): its path under the assets' root, its layout's
   * version (FOREST_BINARY_VERSION), size and sha256.
   */
  readonly forest: {
    readonly path: string;
    readonly format: typeof FOREST_BINARY_VERSION;
    readonly size: number;
    readonly sha256: string;
  };
  /** The ordered feature names (model.json's signature inputs). */
  readonly inputs: readonly string[];
  /** The predicted variable. */
  readonly output: string;
  /** The feature specification the forecast route builds rows with (null when there is none). */
  readonly features: FeatureSpec | null;
  /** The registry's manifest.json of this version, as published. */
  readonly manifest: { readonly [key: string]: Json };
}

/** One model: its aliases and its deployed versions, by version number. */
export interface DeployedModel {
  /** Alias → version, e.g. `{ production: 3, staging: 4 }`. */
  readonly aliases: { readonly [alias: string]: number };
  readonly versions: { readonly [version: string]: DeployedVersion };
}

/**
 * The whole of index.json.
 *
 * @example
 * { "schema": 2, "built_at": "2026-11-29T12:00:00Z", "default_model": "ozone-forest",
 *   "models": { "ozone-forest": { "aliases": { "production": 3 }, "versions": { "3": { … } } } } }
 */
export interface DeploymentIndex {
  readonly schema: typeof INDEX_SCHEMA;
  readonly built_at: string;
  /** The model the top-level `/invocations` serves. */
  readonly default_model: string;
  readonly models: { readonly [name: string]: DeployedModel };
}

/** The alias a reference without one means. */
export const DEFAULT_ALIAS = 'production';

/**
 * Checks that parsed JSON has the index's shape (the builder wrote it; this guards against a
 * bundle from another version of the code), throwing an Error that says what is off.
 *
 * @example const index = checkDeploymentIndex(await response.json());
 */
export function checkDeploymentIndex(value: unknown): DeploymentIndex {
  if (!isObject(value) || value.schema !== INDEX_SCHEMA) {
    throw new Error(`index.json: schema must be ${INDEX_SCHEMA}`);
  }
  if (!isObject(value.models) || typeof value.default_model !== 'string') {
    throw new Error('index.json: models and default_model are required');
  }
  for (const [name, model] of Object.entries(value.models)) {
    if (!isObject(model) || !isObject(model.aliases) || !isObject(model.versions)) {
      throw new Error(`index.json: model ${name} needs aliases and versions`);
    }
    for (const [version, entry] of Object.entries(model.versions)) {
      const forest = isObject(entry) ? entry.forest : undefined;
      if (!isObject(forest) || forest.format !== FOREST_BINARY_VERSION) {
        throw new Error(
          `index.json: ${name} version ${version}'s forest must be of format ${FOREST_BINARY_VERSION} (rebuild the bundle)`,
        );
      }
      if (!Number.isSafeInteger(forest.size) || typeof forest.sha256 !== 'string') {
        throw new Error(
          `index.json: ${name} version ${version}'s forest needs a size and a sha256`,
        );
      }
    }
    for (const [alias, version] of Object.entries(model.aliases)) {
      if (typeof version !== 'number' || !isObject(model.versions[String(version)])) {
        throw new Error(`index.json: ${name}@${alias} names version ${version}, not deployed`);
      }
    }
  }
  return value as unknown as DeploymentIndex;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
