import { UsageError } from '../actions/lib/errors.ts';
import type { JsonValue, ServingForest } from '../actions/lib/training/forest/model-format.ts';
import type { FlatTree } from '../actions/lib/training/forest/types.ts';

/** What model.json records beside the converted trees. */
export interface MlRandomForestConversion {
  /** The predicted variable (default `prediction`). */
  readonly output?: string;
  /** The feature specification to pass through (default null). */
  readonly features?: JsonValue;
}

/**
 * Converts an ml-random-forest `RandomForestRegression` (a trained instance, its `toJSON()`, or
 * that parsed back from JSON) into a {@link ServingForest}, for model.json and ONNX.
 *
 * ml-cart sends a row left when `x < splitValue` in float64, and each tree sees only its own
 * subset of columns (`indexes[t]`). The converted tree reads the original column and compares
 * `fround(x) <= t`, with `t` the largest float32 below `splitValue`: the same branch for every
 * float32 input (features are float32 throughout Freshet); a float64 input within a float32 step
 * of a split value may go the other way.
 *
 * @param featureNames the names of the columns the forest was trained on, in order
 * @throws UsageError when the model is not a trained regression forest averaging its trees
 * @example
 * const model = fromMlRandomForest(rf.toJSON(), featureNames, { output: 'o3' });
 * const text = toModelJson(model);
 */
export function fromMlRandomForest(
  model: unknown,
  featureNames: readonly string[],
  options: MlRandomForestConversion = {},
): ServingForest {
  const forest = readForest(model);
  const nFeatures = featureNames.length;
  const trees = forest.estimators.map((root, t) =>
    convertTree(root, forest.indexes[t], nFeatures, `ml-random-forest tree ${t}`),
  );
  return {
    algorithm: 'ml-random-forest',
    inputs: [...featureNames],
    output: options.output ?? 'prediction',
    features: options.features ?? null,
    params: forest.params,
    nFeatures,
    trees,
  };
}

interface MlForest {
  estimators: unknown[];
  indexes: unknown[];
  params: { [key: string]: JsonValue };
}

/** Accepts the instance (fields on it) and its toJSON() form (fields under `baseModel`). */
function readForest(model: unknown): MlForest {
  if (!isRecord(model)) throw new UsageError('ml-random-forest: expected a model object');
  const base = isRecord(model.baseModel) ? model.baseModel : model;
  const problems: string[] = [];
  if (model.name !== undefined && model.name !== 'RFRegression') {
    problems.push(
      `expected a RandomForestRegression (name RFRegression), got ${String(model.name)}`,
    );
  }
  if (base.isClassifier === true) problems.push('a classifier cannot be served as a regression');
  const selection = model.selectionMethod ?? 'mean';
  if (selection !== 'mean') {
    problems.push(
      `selectionMethod ${String(selection)} is not supported: model.json averages the trees (use 'mean')`,
    );
  }
  const estimators = base.estimators;
  const indexes = base.indexes;
  if (!Array.isArray(estimators) || estimators.length === 0) {
    problems.push('the model has no trees: train it first');
  } else if (!Array.isArray(indexes) || indexes.length !== estimators.length) {
    problems.push('the model has no feature indexes for its trees (indexes)');
  }
  if (problems.length > 0) throw new UsageError(problems.map((p) => `ml-random-forest: ${p}`));
  const treeOptions = isRecord(base.treeOptions) ? base.treeOptions : {};
  return {
    estimators: (estimators as unknown[]).map((e) => (isRecord(e) ? e.root : undefined)),
    indexes: indexes as unknown[],
    params: {
      n_estimators: (estimators as unknown[]).length,
      max_features: jsonNumber(base.maxFeatures),
      replacement: base.replacement === true,
      bootstrap: base.useSampleBagging === true,
      seed: jsonNumber(base.seed),
      min_num_samples: jsonNumber(treeOptions.minNumSamples),
      max_depth: jsonNumber(treeOptions.maxDepth),
    },
  };
}

function convertTree(root: unknown, indexes: unknown, nFeatures: number, where: string): FlatTree {
  if (!Array.isArray(indexes)) throw new UsageError(`${where}: no feature indexes`);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  // Pre-order with an explicit stack (trees can be deeper than the call stack allows); ids are
  // given to children as their parent is visited, so children always come after their parent.
  const stack: [unknown, number][] = [[root, 0]];
  let nextId = 1;
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, id] = top;
    if (!isRecord(node)) throw new UsageError(`${where} node ${id}: not a tree node`);
    // ml-cart's classify(): a node with both children splits, any other is a leaf.
    if (node.left && node.right) {
      const column = node.splitColumn;
      const original = typeof column === 'number' ? indexes[column] : undefined;
      if (
        typeof original !== 'number' ||
        !Number.isInteger(original) ||
        original < 0 ||
        original >= nFeatures
      ) {
        throw new UsageError(
          `${where} node ${id}: split column ${String(column)} maps to feature ${String(original)}, outside the ${nFeatures} feature names given`,
        );
      }
      const splitValue = node.splitValue;
      if (typeof splitValue !== 'number' || !Number.isFinite(splitValue)) {
        throw new UsageError(
          `${where} node ${id}: split value ${String(splitValue)} is not finite`,
        );
      }
      feature[id] = original;
      threshold[id] = largestFloat32Below(splitValue);
      const leftId = nextId++;
      const rightId = nextId++;
      left[id] = leftId;
      right[id] = rightId;
      value[id] = 0;
      stack.push([node.right, rightId], [node.left, leftId]);
    } else {
      const distribution = node.distribution;
      if (typeof distribution !== 'number' || !Number.isFinite(distribution)) {
        throw new UsageError(
          `${where} node ${id}: leaf value ${String(distribution)} is not a finite number`,
        );
      }
      feature[id] = -1;
      threshold[id] = 0;
      left[id] = -1;
      right[id] = -1;
      value[id] = distribution;
    }
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

/** One float32 read as its bits and back. */
const float32Bits = new DataView(new ArrayBuffer(4));

/**
 * The largest float32 strictly below `v`: for a float32 `x`, `x < v` exactly when `x <= t`.
 *
 * @example
 * largestFloat32Below(0.5); // 0.49999997
 */
export function largestFloat32Below(v: number): number {
  const rounded = Math.fround(v);
  if (rounded < v) return rounded;
  // Step one float32 down from `rounded` (>= v) through its bits.
  if (rounded === 0) return -1.401298464324817e-45;
  float32Bits.setFloat32(0, rounded);
  float32Bits.setInt32(0, float32Bits.getInt32(0) + (rounded > 0 ? -1 : 1));
  return float32Bits.getFloat32(0);
}

function jsonNumber(value: unknown): JsonValue {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
