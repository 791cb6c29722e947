// The registry site's fixtures, made with the library rather than written by hand:
// - a local registry (`<stateDir>/registry/`) of models trained with the ozone-forest example's own
//   code on generated hourly ozone, each version's artifacts as that project writes them, published
//   through the registry's store (`publish`, so its manifest.json is the registry's own); one model
//   without predictions, one version folder without a manifest;
// - a status snapshot read from a real database after ingesting generated fetches, with one
//   interval whose object is corrupt (a failed attempt) on a day of its own.
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { ingest } from '../../actions/lib/ingest/index.ts';
import { readStatus, type StatusReport } from '../../actions/lib/ingest/status.ts';
import { openSource } from '../../actions/lib/openaq/source-url.ts';
import { localRegistryDir, localStore } from '../../actions/lib/registry/local-store.ts';
import { contentTypeOf, type Manifest } from '../../actions/lib/registry/manifest.ts';
import type { RegistryStore, VersionDraft } from '../../actions/lib/registry/store.ts';
import { generateFetches } from '../../actions/lib/synthetic/index.ts';
import { buildFeatures } from '../../actions/lib/training/data/features.ts';
import { loadProject } from '../../actions/lib/training/project/load-project.ts';
import { silentLogger } from '../../actions/lib/util/logger.ts';
import { ozoneForestArtifacts } from '../../training/ozone-forest/artifacts.ts';
import { trainOzoneForest } from '../../training/ozone-forest/model.ts';
import { testShell } from '../support/cli-shell.ts';
import { HOUR, ozoneRows, START, TRAINING_DIR } from '../training/ozone-fixture.ts';

/** One version to train and publish. */
interface VersionPlan {
  readonly version: number;
  readonly seed: number;
  readonly trees: number;
  readonly days: number;
  readonly station: string;
  /** Leave predictions.csv out of the version's assets. */
  readonly withoutPredictions?: boolean;
}

/** One model of the fixture registry. */
interface ModelPlan {
  readonly name: string;
  readonly versions: readonly VersionPlan[];
  readonly aliases: Readonly<Record<string, number>>;
}

/** The fixture registry: what the tests expect to find on the pages. */
export const FIXTURE_MODELS: readonly ModelPlan[] = [
  {
    name: 'ozone-forest',
    aliases: { production: 2, staging: 3 },
    versions: [
      { version: 1, seed: 1, trees: 6, days: 30, station: '31.731,35.2741' },
      { version: 2, seed: 2, trees: 10, days: 40, station: '31.731,35.2741' },
      { version: 3, seed: 3, trees: 14, days: 45, station: '31.731,35.2741' },
    ],
  },
  {
    name: 'ozone-haifa',
    aliases: {},
    versions: [
      {
        version: 1,
        seed: 7,
        trees: 6,
        days: 30,
        station: '32.7940,34.9896',
        withoutPredictions: true,
      },
    ],
  },
  {
    name: 'ozone-quick',
    aliases: { production: 1 },
    versions: [{ version: 1, seed: 9, trees: 4, days: 20, station: '-33.87,151.21' }],
  },
];

/** A version folder without manifest.json: the site leaves it out and says so. */
export const BROKEN_VERSION = { name: 'ozone-forest', version: 4 } as const;

/** The build's clock: a day after the newest data. */
export const FIXTURE_NOW = START + 46 * 24 * HOUR;

const sha256 = (content: string | Uint8Array) => createHash('sha256').update(content).digest('hex');

/**
 * Trains one version of the plan and describes it as the registry's draft (the store decides its
 * number and adds manifest.json), with the instant it is published at.
 */
async function versionDraft(
  model: ModelPlan,
  plan: VersionPlan,
): Promise<{ draft: VersionDraft; publishedAt: number }> {
  const project = await loadProject(join(TRAINING_DIR, 'ozone-forest'));
  const spec = project.features;
  if (!spec) throw new Error('training/ozone-forest declares its features');
  const rows = ozoneRows(plan.days * 24, plan.seed);
  const series = {
    times: Float64Array.from(rows, ([time]) => Date.parse(time)),
    values: Float64Array.from(rows, ([, value]) => value),
  };
  const matrix = buildFeatures(spec, { target: series });
  const options = {
    nEstimators: plan.trees,
    minSamplesLeaf: 5,
    maxFeatures: 1,
    maxDepth: 0,
    seed: plan.seed,
    testFraction: 0.2,
  };
  const result = trainOzoneForest(matrix, spec, options);
  const artifacts = new Map(ozoneForestArtifacts(result, matrix.names, spec, options));
  if (plan.withoutPredictions) artifacts.delete('predictions.csv');
  const last = rows.at(-1)?.[0] ?? new Date(START).toISOString();
  const bytesOf = (content: string | Uint8Array) =>
    typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const draft: VersionDraft = {
    name: model.name,
    assets: [...artifacts]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, content]) => ({
        name,
        size: bytesOf(content).byteLength,
        sha256: sha256(content),
        content_type: contentTypeOf(name),
        read: async () => bytesOf(content),
      })),
    fields: {
      run_id: sha256(`${model.name}/${plan.version}`).slice(0, 32),
      metrics: { ...result.metrics },
      params: {
        n_estimators: plan.trees,
        min_samples_leaf: 5,
        max_features: 1,
        max_depth: 0,
        seed: plan.seed,
        test_fraction: 0.2,
      },
      signature: { inputs: matrix.names, output: spec.target },
      data: {
        variable: 'o3',
        station: plan.station,
        start: new Date(START).toISOString(),
        end: new Date(Date.parse(last) + HOUR).toISOString(),
        rows: rows.length,
        sha256: sha256(rows.map((r) => r.join(',')).join('\n')),
      },
      project: {
        name: 'ozone-forest',
        path: 'training/ozone-forest',
        commit: sha256(`commit ${plan.version}`).slice(0, 40),
        entry_point: 'main',
      },
      workflow_run_url: `https://github.com/example/freshet/actions/runs/${1000 + plan.version}`,
    },
  };
  return { draft, publishedAt: Date.parse(last) + (plan.version + 1) * HOUR };
}

/**
 * Publishes {@link FIXTURE_MODELS} in order through `storeAt(instant)` (a store whose clock says
 * that instant), so each gets the version number its plan names.
 *
 * @throws Error when the store numbers a version otherwise
 * @example await publishFixtureModels((now) => localStore(stateDir, { now: () => now }));
 */
export async function publishFixtureModels(
  storeAt: (publishedAt: number) => RegistryStore,
): Promise<Manifest[]> {
  const published: Manifest[] = [];
  for (const model of FIXTURE_MODELS) {
    for (const plan of model.versions) {
      const { draft, publishedAt } = await versionDraft(model, plan);
      const manifest = await storeAt(publishedAt).publish(draft);
      if (manifest.version !== plan.version) {
        throw new Error(
          `${model.name} was published as v${manifest.version}, not v${plan.version}`,
        );
      }
      published.push(manifest);
    }
  }
  return published;
}

/** The fixture's aliases, as aliases.json holds them. */
export function fixtureAliases(): Record<string, Readonly<Record<string, number>>> {
  return Object.fromEntries(
    FIXTURE_MODELS.filter((m) => Object.keys(m.aliases).length > 0).map((m) => [m.name, m.aliases]),
  );
}

/**
 * Writes the fixture registry under `<stateDir>/registry/`: {@link FIXTURE_MODELS}, their
 * aliases, and {@link BROKEN_VERSION} without a manifest.
 *
 * @example await writeFixtureRegistry(stateDir);
 */
export async function writeFixtureRegistry(stateDir: string): Promise<void> {
  const registry = localRegistryDir(stateDir);
  await rm(registry, { recursive: true, force: true });
  await publishFixtureModels((now) => localStore(stateDir, { now: () => now }));
  await mkdir(join(registry, BROKEN_VERSION.name, String(BROKEN_VERSION.version)), {
    recursive: true,
  });
  await localStore(stateDir).setAliases(fixtureAliases());
}

/** The first day the status fixture ingests, and the day of its failed interval. */
export const INGESTED_DAY = '2014-01-01';
export const FAILED_DAY = '2014-01-02';

/**
 * Ingests two hours of generated fetches (20 stations) and one corrupt object on the next day into
 * the database, then reads its status: a snapshot with a failed interval, rejected lines, stations.
 */
export async function writeFixtureStatus(db: pg.Pool, dir: string): Promise<StatusReport> {
  const generated = await generateFetches({
    outDir: dir,
    start: Date.UTC(2014, 0, 1),
    days: 1,
    stations: 20,
    seed: 5,
  });
  const failedAt = Date.UTC(2014, 0, 2, 3);
  await mkdir(join(generated.dir, FAILED_DAY), { recursive: true });
  // A gzip header, then bytes that are no deflate stream: the object fails to read.
  await writeFile(
    join(generated.dir, FAILED_DAY, `${failedAt / 1000}.ndjson.gz`),
    Buffer.concat([
      Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]),
      Buffer.alloc(64, 0xff),
    ]),
  );
  const source = openSource(pathToFileURL(generated.dir).href);
  const context = { source, db, logger: silentLogger };
  await ingest({ start: Date.UTC(2014, 0, 1), end: Date.UTC(2014, 0, 1, 2), workers: 0 }, context);
  await ingest({ start: failedAt, end: failedAt + 600_000, workers: 0 }, context);
  return readStatus(db);
}

/** A built fixture site: where it is and what the command said. */
export interface FixtureSite {
  readonly stateDir: string;
  /** The built pages. */
  readonly out: string;
  readonly code: number;
  readonly out_lines: readonly string[];
  readonly messages: readonly string[];
}

/** The edge URL and repository the fixture site is built with. */
export const FIXTURE_EDGE_URL = 'https://freshet.example.workers.dev';
export const FIXTURE_REPOSITORY = 'octo/freshet';

/**
 * Writes the fixture registry and status snapshot under `root` and runs `freshet site build` on
 * them through the command line's run(), with a shell of the test's own.
 *
 * @example const site = await buildFixtureSite(db.pool, root);
 */
export async function buildFixtureSite(
  db: pg.Pool,
  root: string,
  args: readonly string[] = [],
): Promise<FixtureSite> {
  const { run } = await import('../../actions/cli/run.ts');
  const stateDir = join(root, '.freshet');
  await writeFixtureRegistry(stateDir);
  const statusFile = join(root, 'status.json');
  await writeFile(statusFile, JSON.stringify(await writeFixtureStatus(db, join(root, 'fetches'))));
  const out = join(root, 'site');
  const { shell, out: lines, messages } = testShell(stateDir, { now: FIXTURE_NOW });
  const code = await run(
    [
      'site',
      'build',
      '--status',
      statusFile,
      '--out',
      out,
      '--edge-url',
      FIXTURE_EDGE_URL,
      '--repository',
      FIXTURE_REPOSITORY,
      ...args,
    ],
    shell,
  );
  return { stateDir, out, code, out_lines: lines, messages };
}
