// The deployment bundle without a server: the binary forest round trip, what the builder checks
// (sha256 against the manifest, aliases, signature, default model) and the local registry reader.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseModelJson,
  predictBatch,
  predictRow,
} from '../../actions/lib/training/forest/index.ts';
import { createRandom } from '../../actions/lib/training/forest/random.ts';
import type { TreeEnsemble } from '../../actions/lib/training/forest/types.ts';
import {
  buildDeploymentBundle,
  type PromotedVersion,
} from '../../edge-serve/deploy/build-bundle.ts';
import { readLocalRegistry } from '../../edge-serve/deploy/local-registry.ts';
import { checkDeploymentIndex } from '../../edge-serve/src/bundle/deployment-index.ts';
import {
  decodeForest,
  encodeForest,
  predictCompact,
} from '../../edge-serve/src/bundle/forest-binary.ts';
import { rejectsWithUsageError } from '../lib/training/helpers.ts';
import { manifestOf, publishLocally, type TrainedVersion, trainExample } from './model-fixture.ts';

const NAME = 'ozone-forest';
const trained = trainExample({ name: NAME, version: 3, hours: 24 * 30, trees: 4 });

function text(version: TrainedVersion, name: string): string {
  const content = version.artifacts.get(name);
  if (typeof content !== 'string') throw new Error(`${name} is not text`);
  return content;
}

function promoted(version: TrainedVersion, change: Partial<PromotedVersion> = {}): PromotedVersion {
  return {
    name: version.name,
    version: version.version,
    manifest: manifestOf(version),
    modelJson: new TextEncoder().encode(text(version, 'model.json')),
    ...change,
  };
}

const BUILT_AT = '2014-03-01T00:00:00Z';

describe('the binary forest', () => {
  const forest = parseModelJson(text(trained, 'model.json'));

  /** Rows around every threshold of `trees`: just below, at, just above, and doubles between floats. */
  function rowsAroundThresholds(trees: TreeEnsemble, seed = 5): number[][] {
    const random = createRandom(seed);
    const rows: number[][] = [];
    for (const tree of trees.trees) {
      for (let i = 0; i < tree.feature.length; i++) {
        const f = tree.feature[i] ?? -1;
        if (f < 0) continue;
        const threshold = tree.threshold[i] ?? 0;
        const below = new Float32Array([threshold]);
        below[0] = (below[0] ?? 0) - Math.max(Math.abs(threshold) * 2 ** -23, 2 ** -149);
        for (const value of [below[0] ?? 0, threshold, threshold + 1e-9, threshold + 1e-6]) {
          const row = Array.from(
            { length: trees.nFeatures },
            () => (random.nextUint32() / 2 ** 32) * 60,
          );
          row[f] = value;
          rows.push(row);
        }
      }
    }
    return rows;
  }

  function expectLibraryPredictions(trees: TreeEnsemble, rows: readonly number[][]): void {
    const decoded = decodeForest(encodeForest(trees).buffer as ArrayBuffer);
    const x = new Float32Array(rows.flat());
    expect([...predictCompact(decoded, x, rows.length)]).toEqual([
      ...predictBatch(trees, x, rows.length),
    ]);
  }

  it('is a view of its bytes: leaves of 7 bytes, splits of 3.125, predicting as the library does bit for bit', () => {
    const bytes = encodeForest(forest);
    const decoded = decodeForest(bytes.buffer as ArrayBuffer);
    const splitsOf = (tree: (typeof forest.trees)[number]) => tree.feature.filter((f) => f >= 0);
    const splits = forest.trees.reduce((n, tree) => n + splitsOf(tree).length, 0);
    const leaves = forest.trees.reduce((n, tree) => n + tree.feature.length, 0) - splits;
    // Each tree's splits take a multiple of 32 slots.
    const slots = forest.trees.reduce(
      (n, tree) => n + 32 * Math.ceil(splitsOf(tree).length / 32),
      0,
    );
    const tests = new Set(
      forest.trees.flatMap((tree) =>
        [...tree.feature.keys()]
          .filter((i) => (tree.feature[i] ?? -1) >= 0)
          .map((i) => `${tree.feature[i]} ${tree.threshold[i]}`),
      ),
    );
    const float64 = new Float64Array(1);
    const highs = new Set(
      forest.trees.flatMap((tree) =>
        [...tree.value.keys()]
          .filter((i) => (tree.feature[i] ?? 0) < 0)
          .map((i) => {
            float64[0] = tree.value[i] ?? 0;
            return new Uint16Array(float64.buffer)[3];
          }),
      ),
    );
    // Header, leaves, tests, each tree's first slot and leaf, slots (3 bytes, and a 4-byte count
    // per 32), the leaves' distinct high halves.
    expect(bytes.length).toBe(
      48 + 7 * leaves + 6 * tests.size + 2 * 4 * 5 + 3 * slots + (4 * slots) / 32 + 2 * highs.size,
    );
    expect(tests.size).toBeLessThan(splits);
    expect(highs.size).toBeLessThan(leaves);
    expect([decoded.nFeatures, decoded.nTrees]).toEqual([11, 4]);
    expect(decoded.leafLow.buffer).toBe(bytes.buffer);
    expect(decoded.test).toBeInstanceOf(Uint16Array);
    expect(decoded.leafHigh).toBeInstanceOf(Uint8Array);
    const rows = rowsAroundThresholds(forest);
    expect(rows.length).toBe(4 * splits);
    expectLibraryPredictions(forest, rows);
    expect(predictCompact(decoded, new Float32Array(rows[0] ?? []), 1)[0]).toBe(
      predictRow(forest, rows[0] ?? []),
    );
  });

  it('renumbers trees whose siblings are not adjacent (as scikit-learn numbers them)', () => {
    // Depth-first: root 0 → (1, 4); node 1 → (2, 3). Leaves 2, 3, 4.
    const tree = {
      feature: new Int32Array([0, 1, -1, -1, -1]),
      threshold: new Float32Array([0.5, 2.5, 0, 0, 0]),
      left: new Int32Array([1, 2, -1, -1, -1]),
      right: new Int32Array([4, 3, -1, -1, -1]),
      value: new Float64Array([0, 0, 10.25, 20.5, 30.75]),
    };
    const decoded = decodeForest(
      encodeForest({ nFeatures: 2, trees: [tree] }).buffer as ArrayBuffer,
    );
    const rows = [
      [0, 0],
      [0, 3],
      [1, 0],
    ];
    expect([...predictCompact(decoded, new Float32Array(rows.flat()), 3)]).toEqual([
      10.25, 20.5, 30.75,
    ]);
  });

  it('holds a tree that is a single leaf, and splits whose children are a leaf and a split either way', () => {
    const lone = leaf(41.5);
    // Root → (leaf, split); that split → (split, leaf); that one → (leaf, leaf).
    const mixed = {
      feature: new Int32Array([0, -1, 1, 0, -1, -1, -1]),
      threshold: new Float32Array([1.5, 0, 2.5, 3.5, 0, 0, 0]),
      left: new Int32Array([1, -1, 3, 5, -1, -1, -1]),
      right: new Int32Array([2, -1, 4, 6, -1, -1, -1]),
      value: new Float64Array([0, 1.25, 0, 0, 2.5, 3.75, 5.125]),
    };
    const trees = { nFeatures: 2, trees: [lone, mixed] };
    const rows = [[0, 0], [2, 0], [4, 0], [2, 3], ...rowsAroundThresholds(trees)];
    expectLibraryPredictions(trees, rows);
  });

  it('widens tests past 65,536 and high halves past 256, and holds trees of any size', () => {
    // A caterpillar: split i sends x0 <= i + 0.5 to leaf i, else on to split i + 1; its leaves'
    // values span 600 binades, each of its thresholds is a test of its own.
    const n = 70_000;
    const feature = new Int32Array(2 * n + 1).fill(-1);
    const threshold = new Float32Array(2 * n + 1);
    const left = new Int32Array(2 * n + 1).fill(-1);
    const right = new Int32Array(2 * n + 1).fill(-1);
    const value = new Float64Array(2 * n + 1);
    for (let i = 0; i < n; i++) {
      feature[2 * i] = 0;
      threshold[2 * i] = i + 0.5;
      left[2 * i] = 2 * i + 1;
      right[2 * i] = 2 * i + 2;
      value[2 * i + 1] = (i % 2 ? -1 : 1) * 2 ** ((i % 600) - 300) * (1 + i / 3);
    }
    value[2 * n] = -1 / 3;
    const trees = { nFeatures: 1, trees: [{ feature, threshold, left, right, value }, leaf(2)] };
    const decoded = decodeForest(encodeForest(trees).buffer as ArrayBuffer);
    expect(decoded.test).toBeInstanceOf(Uint32Array);
    expect(decoded.leafHigh).toBeInstanceOf(Uint16Array);
    const rows = [0, 1, 599.5, 600, 16_383.7, 65_536.5, 69_999.5, 70_000, 1e9].map((x) => [x]);
    expectLibraryPredictions(trees, rows);
  });

  it('refuses a forest with more features than it can name', () => {
    expect(() => encodeForest({ nFeatures: 70_000, trees: [leaf(1)] })).toThrow(
      /70000 features is more than 65535/,
    );
  });

  it('refuses bytes that are not a forest of this version, or of the wrong length', () => {
    const bytes = encodeForest(forest);
    expect(() => decodeForest(new ArrayBuffer(8))).toThrow(/shorter than its header/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0;
    expect(() => decodeForest(wrongMagic.buffer)).toThrow(/not a Freshet forest/);
    const wrongVersion = bytes.slice();
    wrongVersion[4] = 1;
    expect(() => decodeForest(wrongVersion.buffer)).toThrow(
      /version 1 is not supported \(this reader reads 2\)/,
    );
    expect(() => decodeForest(bytes.slice(0, -4).buffer)).toThrow(
      /bytes, but its header \(11 features, 4 trees, \d+ split slots, \d+ leaves, \d+ tests, \d+ high halves, 2-byte tests, 1-byte highs\) needs/,
    );
  });
});

function leaf(value: number) {
  return {
    feature: new Int32Array([-1]),
    threshold: new Float32Array([0]),
    left: new Int32Array([-1]),
    right: new Int32Array([-1]),
    value: new Float64Array([value]),
  };
}

describe('buildDeploymentBundle', () => {
  it('writes index.json and one forest per version, each with its sha256', async () => {
    const files = await buildDeploymentBundle({
      versions: [promoted(trained)],
      aliases: { [NAME]: { production: 3 } },
      builtAt: BUILT_AT,
    });
    expect([...files.keys()].sort()).toEqual([
      '_bundle/index.json',
      '_bundle/models/ozone-forest/3/forest.bin',
    ]);
    const index = checkDeploymentIndex(
      JSON.parse(new TextDecoder().decode(files.get('_bundle/index.json'))),
    );
    const forest = files.get('_bundle/models/ozone-forest/3/forest.bin') ?? new Uint8Array();
    const entry = index.models[NAME]?.versions['3'];
    expect(index).toMatchObject({ schema: 2, built_at: BUILT_AT, default_model: NAME });
    expect(entry).toMatchObject({
      version: 3,
      forest: {
        path: '/_bundle/models/ozone-forest/3/forest.bin',
        format: 2,
        size: forest.length,
        sha256: createHash('sha256').update(forest).digest('hex'),
      },
      output: 'o3',
      features: trained.spec,
      manifest: { name: NAME, version: 3, run_id: 'run-ozone-forest-3' },
    });
    // The deployed form is much smaller than model.json's base64 text.
    expect(forest.length).toBeLessThan(text(trained, 'model.json').length / 3);
  });

  it('writes an index the Worker refuses once its forests are of another format', async () => {
    const files = await buildDeploymentBundle({
      versions: [promoted(trained)],
      aliases: { [NAME]: { production: 3 } },
      builtAt: BUILT_AT,
    });
    const text = new TextDecoder().decode(files.get('_bundle/index.json'));
    expect(() =>
      checkDeploymentIndex(JSON.parse(text.replace('"format": 2', '"format": 1'))),
    ).toThrow(
      "index.json: ozone-forest version 3's forest must be of format 2 (rebuild the bundle)",
    );
    expect(() =>
      checkDeploymentIndex(JSON.parse(text.replace('"schema": 2', '"schema": 1'))),
    ).toThrow('index.json: schema must be 2');
    const unsized = JSON.parse(text) as {
      models: Record<string, { versions: Record<string, { forest: { size?: number } }> }>;
    };
    delete unsized.models[NAME]?.versions['3']?.forest.size;
    expect(() => checkDeploymentIndex(unsized)).toThrow(
      "index.json: ozone-forest version 3's forest needs a size and a sha256",
    );
  });

  it('lists every problem: sha256, manifest identity, aliases, signature', async () => {
    const tampered = promoted(trained, {
      modelJson: new TextEncoder().encode(`${text(trained, 'model.json')} `),
    });
    const other = trainExample({ name: 'other', version: 1, hours: 24 * 30, trees: 2 });
    const wrongSignature = promoted(other, {
      manifest: { ...manifestOf(other), signature: { inputs: ['a'], output: 'o3' } },
    });
    const misnamed = promoted(trained, { version: 4 });
    const error = await rejectsWithUsageError(
      buildDeploymentBundle({
        versions: [tampered, wrongSignature, misnamed],
        aliases: { [NAME]: { production: 3, staging: 9 } },
        builtAt: BUILT_AT,
      }),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(
        /^ozone-forest version 3: model.json's sha256 is [0-9a-f]{64}, but the manifest records [0-9a-f]{64}$/,
      ),
      "other version 1: the manifest's signature.inputs differ from model.json's",
      'ozone-forest version 4: manifest.json is of ozone-forest version 3',
      'ozone-forest@production names version 3, which was not given (or not valid)',
      'ozone-forest@staging names version 9, which was not given (or not valid)',
      'no model version to deploy: promote one first',
    ]);
  });

  it('refuses a model.json the library refuses', async () => {
    const broken = new TextEncoder().encode('{"format": "freshet-forest"}');
    const manifest = manifestOf(trained) as { assets: { name: string; sha256: string }[] };
    for (const asset of manifest.assets) {
      if (asset.name === 'model.json')
        asset.sha256 = createHash('sha256').update(broken).digest('hex');
    }
    const error = await rejectsWithUsageError(
      buildDeploymentBundle({
        versions: [promoted(trained, { manifest, modelJson: broken })],
        aliases: {},
        builtAt: BUILT_AT,
      }),
    );
    expect(error.problems[0]).toMatch(/^ozone-forest version 3: model.json: version must be 1/);
  });

  it('needs the default model named when there are several', async () => {
    const other = trainExample({ name: 'other', version: 1, hours: 24 * 30, trees: 2 });
    const input = {
      versions: [promoted(trained), promoted(other)],
      aliases: { [NAME]: { production: 3 }, other: { production: 1 } },
      builtAt: BUILT_AT,
    };
    expect((await rejectsWithUsageError(buildDeploymentBundle(input))).problems).toEqual([
      'several models (other, ozone-forest): name the default one',
    ]);
    expect(
      (await rejectsWithUsageError(buildDeploymentBundle({ ...input, defaultModel: 'x' })))
        .problems,
    ).toEqual(['the default model x is not among those deployed (other, ozone-forest)']);
    const files = await buildDeploymentBundle({ ...input, defaultModel: 'other' });
    expect(new TextDecoder().decode(files.get('_bundle/index.json'))).toContain(
      '"default_model": "other"',
    );
  });
});

describe('readLocalRegistry', () => {
  it('reads the promoted versions only', async () => {
    const root = await mkdtemp(join(tmpdir(), 'freshet-registry-'));
    try {
      const v4 = trainExample({ name: NAME, version: 4, hours: 24 * 30, trees: 2 });
      await publishLocally(root, [trained, v4], { [NAME]: { production: 3 } });
      const read = await readLocalRegistry(root);
      expect(read.aliases).toEqual({ [NAME]: { production: 3 } });
      expect(read.versions.map((v) => [v.name, v.version])).toEqual([[NAME, 3]]);
      expect(new TextDecoder().decode(read.versions[0]?.modelJson)).toBe(
        text(trained, 'model.json'),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('says what is missing or malformed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'freshet-registry-'));
    try {
      expect((await rejectsWithUsageError(readLocalRegistry(root))).message).toBe(
        `${join(root, 'aliases.json')} does not exist: no model has been promoted`,
      );
      await writeFile(
        join(root, 'aliases.json'),
        '{"ozone-forest": {"production": 0}, "../x": {}}',
      );
      expect((await rejectsWithUsageError(readLocalRegistry(root))).problems).toEqual([
        `${join(root, 'aliases.json')}: ozone-forest.production must be a version number >= 1`,
        `${join(root, 'aliases.json')}: "../x" is not a model name`,
      ]);
      await writeFile(join(root, 'aliases.json'), '{"ozone-forest": {"production": 2}}');
      expect((await rejectsWithUsageError(readLocalRegistry(root))).problems).toEqual([
        `ozone-forest version 2 (${join(root, NAME, '2')}): ${join(root, NAME, '2', 'manifest.json')} does not exist: the version is not published`,
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
