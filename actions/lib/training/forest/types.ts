/**
 * The shapes every forest module shares: one regression tree as flat typed arrays, and a forest
 * as an ordered list of them. Training, model.json, the Worker and the ONNX export all read these.
 */

/**
 * One regression tree as parallel arrays indexed by node; node 0 is the root and children always
 * have larger indices than their parent. A row goes to `left[i]` when
 * `Math.fround(row[feature[i]]) <= threshold[i]`, else to `right[i]`.
 * A leaf has `feature[i] === -1` (its `left`/`right` are -1) and predicts `value[i]`.
 */
export interface FlatTree {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf prediction (for a split node: the mean of its training rows, unused by prediction). */
  readonly value: Float64Array;
}

/** What prediction needs: the trees, whose mean is the forest's prediction. */
export interface TreeEnsemble {
  readonly nFeatures: number;
  readonly trees: readonly FlatTree[];
}

/** `max_features` as scikit-learn understands it (see {@link ForestParams.maxFeatures}). */
export type MaxFeatures = number | 'sqrt' | 'log2';

/** Hyper-parameters of {@link fitForest}; every field has scikit-learn's meaning and default. */
export interface ForestParams {
  /** Number of trees (default 100). */
  nEstimators?: number;
  /**
   * Features drawn at random at each split: a number in (0, 1] is a fraction of the features
   * (1 = all, scikit-learn's regression default), an integer >= 2 a count, 'sqrt' or 'log2' of
   * the feature count (at least 1).
   */
  maxFeatures?: MaxFeatures;
  /** Deepest level a node may sit at (the root is depth 0); unlimited when absent. */
  maxDepth?: number;
  /** Fewest distinct training rows a leaf may hold (default 1), counted as scikit-learn does. */
  minSamplesLeaf?: number;
  /** Draw each tree's rows with replacement (default true). */
  bootstrap?: boolean;
  /** Seed of the pseudo-random generator: the same seed gives the same forest (default 0). */
  seed?: number;
  /** Quantile bins per feature, 2..256 (default 256). */
  maxBins?: number;
}

/** {@link ForestParams} with defaults filled in and `maxFeatures` resolved to a count. */
export interface ResolvedForestParams {
  readonly nEstimators: number;
  readonly maxFeatures: MaxFeatures;
  /** `maxFeatures` as the number of features to try per split. */
  readonly featuresPerSplit: number;
  readonly maxDepth: number | undefined;
  readonly minSamplesLeaf: number;
  readonly bootstrap: boolean;
  readonly seed: number;
  readonly maxBins: number;
}

/** A forest trained by {@link fitForest}. */
export interface Forest extends TreeEnsemble {
  readonly params: ResolvedForestParams;
  /**
   * Per tree, the total weighted impurity decrease of the splits on each feature (length
   * `nFeatures`), the raw material of {@link featureImportances}.
   */
  readonly impurityDecrease: readonly Float64Array[];
}
