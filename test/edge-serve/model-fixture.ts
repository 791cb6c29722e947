// A real model for the serving tests: the example project's forest (training/ozone-forest) trained
// by the library on generated hourly ozone, published into a local registry folder laid out as the
// registry keeps it (`<registry>/<name>/<N>/` and `aliases.json`), then bundled for the Worker.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFeatures, type FeatureSpec } from '../../actions/lib/training/data/features.ts';
import { buildDeploymentBundle } from '../../edge-serve/deploy/build-bundle.ts';
import { readLocalRegistry } from '../../edge-serve/deploy/local-registry.ts';
import { writeBundle } from '../../edge-serve/deploy/write-bundle.ts';
import { ozoneForestArtifacts } from '../../training/ozone-forest/artifacts.ts';
import { trainOzoneForest } from '../../training/ozone-forest/model.ts';
import { DEFAULT_OPTIONS } from '../../training/ozone-forest/options.ts';
import { ozoneRows } from '../training/ozone-fixture.ts';

/** The example project's feature specification (training/ozone-forest/freshet-project.yml). */
export const EXAMPLE_SPEC: FeatureSpec = {
  version: 1,
  target: 'o3',
  horizon: 1,
  lags: [0, 1, 2, 3, 6, 12, 24],
  calendar: ['hour', 'dayofyear'],
};

/** An hourly series of generated ozone (`hours` from 2014-01-01, one gap). */
export function ozoneSeries(hours: number, seed: number) {
  const rows = ozoneRows(hours, seed, new Set([100]));
  return { times: rows.map((r) => Date.parse(r[0])), values: rows.map((r) => r[1]) };
}

/** A trained version: its artifacts as the training run wrote them. */
export interface TrainedVersion {
  readonly name: string;
  readonly version: number;
  readonly spec: FeatureSpec;
  readonly artifacts: ReadonlyMap<string, string | Uint8Array>;
}

/**
 * Trains the example forest on `hours` of generated data (small forests keep the tests quick).
 *
 * @example const v = trainExample({ name: 'ozone-forest', version: 1, hours: 24 * 60, trees: 20 });
 */
export function trainExample(options: {
  name: string;
  version: number;
  hours: number;
  trees: number;
  seed?: number;
  spec?: FeatureSpec;
}): TrainedVersion {
  const spec = options.spec ?? EXAMPLE_SPEC;
  const matrix = buildFeatures(spec, { target: ozoneSeries(options.hours, options.seed ?? 7) });
  const trainOptions = { ...DEFAULT_OPTIONS, nEstimators: options.trees, seed: options.seed ?? 0 };
  const result = trainOzoneForest(matrix, spec, trainOptions);
  return {
    name: options.name,
    version: options.version,
    spec,
    artifacts: ozoneForestArtifacts(result, matrix.names, spec, trainOptions),
  };
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** manifest.json of a version, as the registry writes it (the agreed form). */
export function manifestOf(trained: TrainedVersion): Record<string, unknown> {
  const text = (name: string) => {
    const content = trained.artifacts.get(name);
    if (typeof content !== 'string') throw new Error(`${name} is not a text artifact`);
    return content;
  };
  const model = JSON.parse(text('model.json')) as {
    signature: { inputs: string[]; output: string };
  };
  const assets = [...trained.artifacts].map(([name, content]) => ({
    name,
    size: typeof content === 'string' ? Buffer.byteLength(content) : content.length,
    sha256: sha256(content),
    content_type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
  }));
  return {
    schema: 1,
    name: trained.name,
    version: trained.version,
    created_at: '2014-03-01T00:00:00Z',
    run_id: `run-${trained.name}-${trained.version}`,
    assets,
    metrics: JSON.parse(text('metrics.json')),
    params: JSON.parse(text('params.json')),
    signature: model.signature,
    data: {
      variable: 'o3',
      station: '31.731,35.2741',
      start: '2014-01-01T00:00:00Z',
      end: '2014-03-01T00:00:00Z',
      rows: 1416,
      sha256: sha256('training table'),
    },
    project: { name: 'ozone-forest', path: 'training/ozone-forest', commit: 'a'.repeat(40) },
    workflow_run_url: null,
  };
}

/**
 * Publishes versions into `<registry>/<name>/<N>/` and writes `aliases.json`.
 *
 * @example await publishLocally(dir, [v1, v2], { 'ozone-forest': { production: 1, staging: 2 } });
 */
export async function publishLocally(
  registry: string,
  versions: readonly TrainedVersion[],
  aliases: Record<string, Record<string, number>>,
): Promise<void> {
  for (const trained of versions) {
    const folder = join(registry, trained.name, String(trained.version));
    await mkdir(folder, { recursive: true });
    for (const [name, content] of trained.artifacts) await writeFile(join(folder, name), content);
    await writeFile(
      join(folder, 'manifest.json'),
      `${JSON.stringify(manifestOf(trained), null, 2)}\n`,
    );
  }
  await writeFile(join(registry, 'aliases.json'), `${JSON.stringify(aliases, null, 2)}\n`);
}

/**
 * A bundle directory built from a fresh local registry of `versions`.
 *
 * @returns the temporary folder (`root`, for the caller to remove) and its paths: the registry and
 *   the bundle (the Worker's assets)
 */
export async function bundleOf(
  versions: readonly TrainedVersion[],
  aliases: Record<string, Record<string, number>>,
  defaultModel?: string,
): Promise<{ root: string; registry: string; bundle: string }> {
  const root = await mkdtemp(join(tmpdir(), 'freshet-serve-'));
  const registry = join(root, 'registry');
  await publishLocally(registry, versions, aliases);
  const bundle = join(root, 'bundle');
  const files = await buildDeploymentBundle({
    ...(await readLocalRegistry(registry)),
    defaultModel,
    builtAt: '2014-03-01T00:00:00Z',
  });
  await writeBundle(bundle, files);
  return { root, registry, bundle };
}
