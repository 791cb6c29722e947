// `freshet serve`'s work: the local registry's promoted versions → a deployment bundle under the
// state folder → the Worker in workerd on 127.0.0.1, exactly as a deployment would serve them.
import { join } from 'node:path';
import { buildDeploymentBundle } from '../deploy/build-bundle.ts';
import { readLocalRegistry, registryDir } from '../deploy/local-registry.ts';
import { writeBundle } from '../deploy/write-bundle.ts';
import { checkDeploymentIndex, INDEX_PATH } from '../src/bundle/deployment-index.ts';
import { type LocalWorker, startLocalWorker } from './local-worker.ts';

export interface ServeRegistryOptions {
  /** The state folder whose `registry/` holds the promoted versions (`.freshet`). */
  readonly stateDir: string;
  /** The port on 127.0.0.1 (0: any free one). */
  readonly port: number;
  /** The model `/invocations` serves, when there are several. */
  readonly defaultModel?: string | undefined;
  /** When the bundle is built (RFC 3339). */
  readonly builtAt: string;
}

/** A running local deployment: the Worker and what it serves. */
export interface LocalDeployment extends LocalWorker {
  /** The model `/invocations` serves, and its features (for an example request). */
  readonly defaultModel: { readonly name: string; readonly features: readonly string[] };
}

/**
 * Bundles the local registry's promoted versions into `<stateDir>/serve-bundle/` and serves them.
 *
 * @throws UsageError when nothing is promoted, a version's files are missing or do not match its
 *   manifest, or several models are promoted and none is named the default
 * @example
 * const served = await serveRegistry({ stateDir: '.freshet', port: 8787, builtAt: new Date().toISOString() });
 * console.log(served.url.href); // http://127.0.0.1:8787/
 */
export async function serveRegistry(options: ServeRegistryOptions): Promise<LocalDeployment> {
  const registry = await readLocalRegistry(registryDir(options.stateDir));
  const files = await buildDeploymentBundle({
    ...registry,
    defaultModel: options.defaultModel,
    builtAt: options.builtAt,
  });
  const assetsDir = join(options.stateDir, 'serve-bundle');
  await writeBundle(assetsDir, files);
  const index = checkDeploymentIndex(
    JSON.parse(new TextDecoder().decode(files.get(INDEX_PATH.slice(1)))),
  );
  const name = index.default_model;
  const model = index.models[name];
  const production = model?.aliases.production ?? Object.values(model?.aliases ?? {})[0];
  const features = model?.versions[String(production)]?.inputs ?? [];
  const worker = await startLocalWorker({ assetsDir, port: options.port });
  return { ...worker, defaultModel: { name, features } };
}

/**
 * Example requests for a person to paste: the default model's card, and one scoring request.
 *
 * @example exampleCurl(served) // ['curl -s http://127.0.0.1:8787/models/ozone-forest', …]
 */
export function exampleCurl(served: Pick<LocalDeployment, 'url' | 'defaultModel'>): string[] {
  const { name, features } = served.defaultModel;
  const body = JSON.stringify({
    dataframe_split: { columns: features, data: [features.map(() => 0)] },
  });
  return [
    `curl -s ${new URL(`/models/${encodeURIComponent(name)}`, served.url).href}`,
    `curl -s -X POST ${new URL('/invocations', served.url).href} -H 'Content-Type: application/json' -d '${body}'`,
  ];
}
