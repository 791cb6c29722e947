import { UsageError } from '../../errors.ts';
import { decodeTypedArray, encodeTypedArray, type NumericArray } from './base64.ts';
import { predictRow } from './predict.ts';
import type { FlatTree, Forest, TreeEnsemble } from './types.ts';

/**
 * model.json: the one serving format, whatever trained the forest. Example (arrays shortened):
 *
 * ```json
 * { "format": "freshet-forest", "version": 1, "algorithm": "random-forest",
 *   "signature": { "inputs": ["lag_1", "lag_2"], "output": "o3" },
 *   "features": { …the feature specification, passed through… },
 *   "params": { "n_estimators": 100, "min_samples_leaf": 5 },
 *   "n_features": 2,
 *   "trees": [{ "feature": "<base64 Int32>", "threshold": "<base64 Float32>",
 *               "left": "<base64 Int32>", "right": "<base64 Int32>", "value": "<base64 Float64>" }] }
 * ```
 *
 * Arrays are little-endian and indexed by node (see {@link FlatTree}); a leaf has feature -1 and
 * children -1. The prediction is the mean over trees.
 */
export const MODEL_FORMAT = 'freshet-forest';
/** The version this code writes and the only one it reads. */
export const MODEL_FORMAT_VERSION = 1;

/** What trained the forest. */
export type ModelAlgorithm = 'random-forest' | 'ml-random-forest' | 'sklearn-random-forest';
const ALGORITHMS: readonly ModelAlgorithm[] = [
  'random-forest',
  'ml-random-forest',
  'sklearn-random-forest',
];

/** Any value JSON can hold. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A forest ready to serve: its trees and what model.json says about them. */
export interface ServingForest extends TreeEnsemble {
  readonly algorithm: ModelAlgorithm;
  /** The feature names, in the order a row holds them (the signature's inputs). */
  readonly inputs: readonly string[];
  /** The name of the predicted variable, e.g. `o3`. */
  readonly output: string;
  /** The feature specification, opaque here: passed through as JSON (null when there is none). */
  readonly features: JsonValue;
  /** The hyper-parameters it was trained with. */
  readonly params: { readonly [key: string]: JsonValue };
}

/** What model.json records beside the trees. */
export interface ModelMeta {
  readonly inputs: readonly string[];
  readonly output: string;
  readonly features?: JsonValue;
  readonly algorithm?: ModelAlgorithm;
  readonly params?: { readonly [key: string]: JsonValue };
}

/** The base64 arrays of one tree in model.json. */
export interface ModelJsonTree {
  feature: string;
  threshold: string;
  left: string;
  right: string;
  value: string;
}

/** model.json as JSON.parse returns it. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  algorithm: ModelAlgorithm;
  signature: { inputs: string[]; output: string };
  features: JsonValue;
  params: { [key: string]: JsonValue };
  n_features: number;
  trees: ModelJsonTree[];
}

/**
 * Serialises a forest to model.json text. A {@link ServingForest} brings its own signature,
 * features and params (`meta` may override them); a trained {@link Forest} needs `meta.inputs`
 * and `meta.output`, and records its hyper-parameters with scikit-learn's names.
 *
 * @throws UsageError when the signature does not match the forest
 * @example
 * const text = toModelJson(forest, { inputs: featureNames, output: 'o3', features: spec });
 */
export function toModelJson(forest: ServingForest, meta?: Partial<ModelMeta>): string;
export function toModelJson(forest: Forest, meta: ModelMeta): string;
export function toModelJson(forest: Forest | ServingForest, meta?: Partial<ModelMeta>): string {
  const serving = 'algorithm' in forest ? forest : undefined;
  const inputs = meta?.inputs ?? serving?.inputs;
  const output = meta?.output ?? serving?.output;
  const problems: string[] = [];
  if (inputs === undefined || inputs.length !== forest.nFeatures) {
    problems.push(
      `signature inputs must name the forest's ${forest.nFeatures} features, got ${inputs ? inputs.length : 'none'}`,
    );
  }
  if (typeof output !== 'string' || output === '') {
    problems.push('signature output must name the predicted variable (e.g. "o3")');
  }
  if (problems.length > 0 || inputs === undefined || typeof output !== 'string') {
    throw new UsageError(problems.map((p) => `model.json: ${p}`));
  }
  const document: ModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    algorithm: meta?.algorithm ?? serving?.algorithm ?? 'random-forest',
    signature: { inputs: [...inputs], output },
    features: meta?.features ?? serving?.features ?? null,
    params: { ...(meta?.params ?? serving?.params ?? paramsOf(forest as Forest)) },
    n_features: forest.nFeatures,
    trees: forest.trees.map((tree) => ({
      feature: encodeTypedArray(tree.feature),
      threshold: encodeTypedArray(tree.threshold),
      left: encodeTypedArray(tree.left),
      right: encodeTypedArray(tree.right),
      value: encodeTypedArray(tree.value),
    })),
  };
  return JSON.stringify(document);
}

/** A trained forest's hyper-parameters under scikit-learn's names. */
function paramsOf(forest: Forest): { [key: string]: JsonValue } {
  const p = forest.params;
  return {
    n_estimators: p.nEstimators,
    max_features: p.maxFeatures,
    max_depth: p.maxDepth ?? null,
    min_samples_leaf: p.minSamplesLeaf,
    bootstrap: p.bootstrap,
    seed: p.seed,
    max_bins: p.maxBins,
  };
}

/** At most this many problems are listed; a badly damaged file would otherwise list thousands. */
const MAX_PROBLEMS = 20;

/**
 * Reads model.json (text or parsed) and checks all of it before anything is served: format and
 * version, the signature, and every tree: array lengths agree, each split's feature index is
 * below n_features and its threshold finite, children come after their parent (so no cycle) and
 * every node but the root has exactly one parent, leaves have feature -1 and children -1, values
 * are finite.
 *
 * @throws UsageError listing every problem found (up to 20), each naming the tree and node
 * @example
 * const model = parseModelJson(await response.text());
 * predictServing(model, row);
 */
export function parseModelJson(input: unknown): ServingForest {
  let document: unknown = input;
  if (typeof input === 'string') {
    try {
      document = JSON.parse(input);
    } catch (error) {
      throw new UsageError(`model.json is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const problems: string[] = [];
  const header = checkHeader(document, problems);
  if (!header) throw new UsageError(problems.map((p) => `model.json: ${p}`));
  const trees: FlatTree[] = [];
  for (let t = 0; t < header.trees.length; t++) {
    const tree = checkTree(header.trees[t], t, header.nFeatures, problems);
    if (tree) trees.push(tree);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_PROBLEMS).map((p) => `model.json: ${p}`);
    if (problems.length > MAX_PROBLEMS) listed.push('model.json: … (further problems not listed)');
    throw new UsageError(listed);
  }
  return {
    algorithm: header.algorithm,
    inputs: header.inputs,
    output: header.output,
    features: header.features,
    params: header.params,
    nFeatures: header.nFeatures,
    trees,
  };
}

/**
 * Predicts one row with a loaded model.
 *
 * @param row the features in the order of `model.inputs`
 * @throws UsageError when the row does not hold one value per input
 * @example
 * predictServing(model, [41.2, 38.9, 0.5, 0.87]);
 */
export function predictServing(model: ServingForest, row: ArrayLike<number>): number {
  if (row.length !== model.inputs.length) {
    throw new UsageError(
      `model: a row must hold ${model.inputs.length} values (${model.inputs.join(', ')}), got ${row.length}`,
    );
  }
  return predictRow(model, row);
}

interface Header {
  algorithm: ModelAlgorithm;
  inputs: string[];
  output: string;
  features: JsonValue;
  params: { [key: string]: JsonValue };
  nFeatures: number;
  trees: unknown[];
}

function checkHeader(document: unknown, problems: string[]): Header | undefined {
  if (!isRecord(document)) {
    problems.push(`must be a JSON object, got ${describe(document)}`);
    return undefined;
  }
  const { format, version, algorithm, signature, features, params, n_features, trees } = document;
  if (format !== MODEL_FORMAT) {
    problems.push(`format must be "${MODEL_FORMAT}", got ${describe(format)}`);
  }
  if (version !== MODEL_FORMAT_VERSION) {
    problems.push(
      typeof version === 'number'
        ? `version ${version} is not supported: this reader reads version ${MODEL_FORMAT_VERSION}`
        : `version must be ${MODEL_FORMAT_VERSION}, got ${describe(version)}`,
    );
  }
  if (!ALGORITHMS.includes(algorithm as ModelAlgorithm)) {
    problems.push(`algorithm must be one of ${ALGORITHMS.join(', ')}, got ${describe(algorithm)}`);
  }
  const nFeatures = n_features;
  const nFeaturesOk = typeof nFeatures === 'number' && Number.isInteger(nFeatures) && nFeatures > 0;
  if (!nFeaturesOk)
    problems.push(`n_features must be a positive integer, got ${describe(nFeatures)}`);
  let inputs: string[] = [];
  let output = '';
  if (!isRecord(signature)) {
    problems.push(`signature must be an object with inputs and output, got ${describe(signature)}`);
  } else {
    if (
      !Array.isArray(signature.inputs) ||
      !signature.inputs.every((name) => typeof name === 'string' && name !== '')
    ) {
      problems.push('signature.inputs must be an array of feature names');
    } else {
      inputs = signature.inputs as string[];
      const duplicate = inputs.find((name, i) => inputs.indexOf(name) !== i);
      if (duplicate !== undefined) {
        problems.push(`signature.inputs names ${JSON.stringify(duplicate)} twice`);
      }
      if (nFeaturesOk && inputs.length !== nFeatures) {
        problems.push(
          `signature.inputs names ${inputs.length} features but n_features is ${nFeatures}`,
        );
      }
    }
    if (typeof signature.output !== 'string' || signature.output === '') {
      problems.push('signature.output must name the predicted variable');
    } else {
      output = signature.output;
    }
  }
  if (features === undefined) {
    problems.push('features is missing (null when there is no feature specification)');
  }
  if (!isRecord(params)) problems.push(`params must be an object, got ${describe(params)}`);
  if (!Array.isArray(trees) || trees.length === 0) {
    problems.push(`trees must be a non-empty array, got ${describe(trees)}`);
  }
  if (problems.length > 0) return undefined;
  return {
    algorithm: algorithm as ModelAlgorithm,
    inputs,
    output,
    features: features as JsonValue,
    params: params as { [key: string]: JsonValue },
    nFeatures: nFeatures as number,
    trees: trees as unknown[],
  };
}

function checkTree(
  raw: unknown,
  t: number,
  nFeatures: number,
  problems: string[],
): FlatTree | undefined {
  const where = `tree ${t}`;
  if (!isRecord(raw)) {
    problems.push(`${where}: must be an object of base64 arrays, got ${describe(raw)}`);
    return undefined;
  }
  const decode = <T extends NumericArray>(
    name: keyof ModelJsonTree,
    type: { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number; name: string },
  ): T | undefined => {
    const text = raw[name];
    if (typeof text !== 'string') {
      problems.push(`${where}: ${name} must be a base64 string, got ${describe(text)}`);
      return undefined;
    }
    try {
      return decodeTypedArray(text, type);
    } catch (error) {
      problems.push(`${where}: ${name} is not a base64 ${type.name}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const feature = decode('feature', Int32Array);
  const threshold = decode('threshold', Float32Array);
  const left = decode('left', Int32Array);
  const right = decode('right', Int32Array);
  const value = decode('value', Float64Array);
  if (!feature || !threshold || !left || !right || !value) return undefined;
  const n = feature.length;
  if (
    n === 0 ||
    threshold.length !== n ||
    left.length !== n ||
    right.length !== n ||
    value.length !== n
  ) {
    problems.push(
      `${where}: arrays must hold the same number (>= 1) of nodes, got feature ${n}, threshold ${threshold.length}, left ${left.length}, right ${right.length}, value ${value.length}`,
    );
    return undefined;
  }
  const tree: FlatTree = { feature, threshold, left, right, value };
  checkNodes(tree, where, nFeatures, problems);
  return tree;
}

function checkNodes(tree: FlatTree, where: string, nFeatures: number, problems: string[]): void {
  const { feature, threshold, left, right, value } = tree;
  const n = feature.length;
  const parent = new Int32Array(n).fill(-1);
  const start = problems.length;
  const report = (node: number, message: string) => {
    problems.push(`${where} node ${node}: ${message}`);
    return problems.length - start < MAX_PROBLEMS;
  };
  for (let i = 0; i < n; i++) {
    // The five arrays hold n nodes each (checked by the caller): i < n.
    const f = feature[i]!;
    const l = left[i]!;
    const r = right[i]!;
    if (!Number.isFinite(value[i])) {
      if (!report(i, `value ${value[i]} is not finite`)) return;
    }
    if (f === -1) {
      if (l !== -1 || r !== -1) {
        if (!report(i, `a leaf (feature -1) must have children -1, has left ${l} and right ${r}`))
          return;
      }
      continue;
    }
    if (f < 0 || f >= nFeatures) {
      const message = `feature index ${f} is out of range (0..${nFeatures - 1}, or -1 for a leaf)`;
      if (!report(i, message)) return;
    }
    if (!Number.isFinite(threshold[i])) {
      if (!report(i, `threshold ${threshold[i]} is not finite`)) return;
    }
    if (l === r) {
      if (!report(i, `left and right are the same node ${l}`)) return;
      continue;
    }
    for (const [side, child] of [
      ['left', l],
      ['right', r],
    ] as const) {
      if (child <= i || child >= n) {
        const message = `${side} child ${child} must come after the node and exist (${i + 1}..${n - 1}): a child before its parent could make a cycle`;
        if (!report(i, message)) return;
      } else if (parent[child] !== -1) {
        if (!report(child, `has two parents, nodes ${parent[child]} and ${i}`)) return;
      } else {
        parent[child] = i;
      }
    }
  }
  for (let i = 1; i < n; i++) {
    if (parent[i] === -1 && !report(i, 'no node points to it (unreachable from the root)')) return;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
