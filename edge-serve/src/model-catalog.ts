// The deployment's models as the Worker sees them: index.json read once, each forest fetched from
// the static assets on first use, its size and sha256 checked against the index, then kept for the
// isolate's life as typed-array views. Web-standard (fetch, crypto.subtle).
import {
  checkDeploymentIndex,
  DEFAULT_ALIAS,
  type DeployedVersion,
  type DeploymentIndex,
  INDEX_PATH,
} from './bundle/deployment-index.ts';
import { type CompactForest, decodeForest } from './bundle/forest-binary.ts';
import { HttpProblem } from './http-problem.ts';
import { BodyLengthError, readBodyOfSize } from './read-body.ts';

/** The static assets binding (`env.ASSETS`): fetches a file of the deployment by URL. */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

/** Which model a request means: a name (or the default), and an alias or a version (or production). */
export interface ModelRef {
  readonly name?: string | undefined;
  readonly alias?: string | undefined;
  readonly version?: number | undefined;
}

/** A deployed version, named. */
export interface ResolvedVersion {
  readonly name: string;
  readonly version: number;
  readonly entry: DeployedVersion;
  /** The aliases that name this version, e.g. `['production']`. */
  readonly aliases: readonly string[];
}

/** A version ready to predict with. */
export interface LoadedModel extends ResolvedVersion {
  readonly forest: CompactForest;
}

/** Any origin: ASSETS.fetch only reads the path. */
const ASSET_ORIGIN = 'https://assets.invalid';

/**
 * Parses a model reference as routes write it: `name`, `name@alias` (e.g. `ozone-forest@staging`).
 *
 * @example parseModelRef('ozone-forest@staging') // { name: 'ozone-forest', alias: 'staging' }
 */
export function parseModelRef(text: string, version?: string): ModelRef {
  const at = text.indexOf('@');
  const name = at === -1 ? text : text.slice(0, at);
  const alias = at === -1 ? undefined : text.slice(at + 1);
  if (name === '' || alias === '') {
    throw new HttpProblem(
      404,
      `${JSON.stringify(text)} is not a model reference (name or name@alias)`,
    );
  }
  if (version === undefined) return { name, alias };
  if (alias !== undefined || !/^[1-9]\d{0,8}$/.test(version)) {
    throw new HttpProblem(
      404,
      `${JSON.stringify(`${text}/${version}`)} is not a model version (name/N)`,
    );
  }
  return { name, version: Number(version) };
}

/**
 * One isolate's view of the deployment. Create one per isolate and keep it: it caches the index
 * and every loaded forest.
 *
 * @example
 * const catalog = new ModelCatalog(env.ASSETS);
 * const model = await catalog.load({ name: 'ozone-forest', alias: 'staging' });
 */
export class ModelCatalog {
  readonly #assets: AssetFetcher;
  #index: Promise<DeploymentIndex> | undefined;
  readonly #loaded = new Map<string, Promise<LoadedModel>>();

  constructor(assets: AssetFetcher) {
    this.#assets = assets;
  }

  /**
   * The deployment's index, read on first use.
   * @throws HttpProblem 503 when it cannot be read (retried on the next request)
   */
  index(): Promise<DeploymentIndex> {
    this.#index ??= this.#readIndex().catch((error: unknown) => {
      this.#index = undefined;
      throw error;
    });
    return this.#index;
  }

  async #readIndex(): Promise<DeploymentIndex> {
    const response = await this.#assets.fetch(new Request(`${ASSET_ORIGIN}${INDEX_PATH}`));
    if (!response.ok) {
      throw new HttpProblem(
        503,
        `the deployment has no model index (${INDEX_PATH}: ${response.status})`,
      );
    }
    try {
      return checkDeploymentIndex(await response.json());
    } catch (error) {
      throw new HttpProblem(
        503,
        `the deployment's model index is unreadable: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Which deployed version a reference means.
   * @throws HttpProblem 404 for an unknown model, alias or version
   */
  async resolve(ref: ModelRef): Promise<ResolvedVersion> {
    const index = await this.index();
    const name = ref.name ?? index.default_model;
    const model = Object.hasOwn(index.models, name) ? index.models[name] : undefined;
    if (model === undefined) {
      const known = Object.keys(index.models).join(', ') || 'none';
      throw new HttpProblem(
        404,
        `no model ${JSON.stringify(name)} is deployed (deployed: ${known})`,
      );
    }
    let version = ref.version;
    if (version === undefined) {
      const alias = ref.alias ?? DEFAULT_ALIAS;
      version = Object.hasOwn(model.aliases, alias) ? model.aliases[alias] : undefined;
      if (version === undefined) {
        throw new HttpProblem(
          404,
          `model ${name} has no alias ${JSON.stringify(alias)} (aliases: ${Object.keys(model.aliases).join(', ') || 'none'})`,
        );
      }
    }
    const entry = model.versions[String(version)];
    if (entry === undefined) {
      throw new HttpProblem(
        404,
        `version ${version} of ${name} is not deployed (deployed: ${Object.keys(model.versions).join(', ')})`,
      );
    }
    const aliases = Object.entries(model.aliases)
      .filter(([, v]) => v === version)
      .map(([alias]) => alias);
    return { name, version, entry, aliases };
  }

  /**
   * The forest of a reference, loaded and verified on first use and kept afterwards.
   * @throws HttpProblem 404 as {@link resolve}; 503 when the forest file is missing, does not
   *   match its sha256 or is not a forest (retried on the next request)
   */
  async load(ref: ModelRef): Promise<LoadedModel> {
    const resolved = await this.resolve(ref);
    const key = `${resolved.name}/${resolved.version}`;
    let loading = this.#loaded.get(key);
    if (loading === undefined) {
      loading = this.#loadForest(resolved).catch((error: unknown) => {
        this.#loaded.delete(key);
        throw error;
      });
      this.#loaded.set(key, loading);
    }
    return loading;
  }

  async #loadForest(resolved: ResolvedVersion): Promise<LoadedModel> {
    const { name, version, entry } = resolved;
    const what = `model ${name} version ${version}`;
    const response = await this.#assets.fetch(new Request(`${ASSET_ORIGIN}${entry.forest.path}`));
    if (!response.ok) {
      throw new HttpProblem(
        503,
        `${what}: its forest file is missing from the deployment (${response.status})`,
      );
    }
    const mismatch = (detail: string, cause?: unknown) =>
      new HttpProblem(
        503,
        `${what}: its forest file does not match the deployment's record (${detail}); refusing to serve it`,
        { cause },
      );
    let bytes: ArrayBuffer;
    try {
      bytes = await readBodyOfSize(response, entry.forest.size);
    } catch (error) {
      if (error instanceof BodyLengthError) throw mismatch(error.message, error);
      throw new HttpProblem(
        503,
        `${what}: its forest file could not be read: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
    if (sha256 !== entry.forest.sha256) {
      throw mismatch(`sha256 ${sha256}, expected ${entry.forest.sha256}`);
    }
    try {
      return { ...resolved, forest: decodeForest(bytes) };
    } catch (error) {
      throw new HttpProblem(503, `${what}: ${messageOf(error)}`, { cause: error });
    }
  }
}

function hex(digest: ArrayBuffer): string {
  let text = '';
  for (const byte of new Uint8Array(digest)) text += byte.toString(16).padStart(2, '0');
  return text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
