import { UsageError } from '../../errors.ts';
import type { ForestParams, MaxFeatures, ResolvedForestParams } from './types.ts';

/**
 * Fills in scikit-learn's defaults and checks every hyper-parameter, reporting all problems at
 * once.
 *
 * @example
 * resolveForestParams({ maxFeatures: 'sqrt' }, 28).featuresPerSplit; // 5
 */
export function resolveForestParams(params: ForestParams, nFeatures: number): ResolvedForestParams {
  const problems: string[] = [];
  const nEstimators = params.nEstimators ?? 100;
  if (!isIntegerAtLeast(nEstimators, 1)) {
    problems.push(`nEstimators must be an integer >= 1, got ${nEstimators}`);
  }
  const maxFeatures = params.maxFeatures ?? 1;
  const featuresPerSplit = resolveMaxFeatures(maxFeatures, nFeatures);
  if (featuresPerSplit === undefined) {
    problems.push(
      `maxFeatures must be 'sqrt', 'log2', a fraction in (0, 1] or an integer count in 2..${nFeatures}, got ${String(maxFeatures)}`,
    );
  }
  const maxDepth = params.maxDepth;
  if (maxDepth !== undefined && !isIntegerAtLeast(maxDepth, 1)) {
    problems.push(`maxDepth must be an integer >= 1 or absent (unlimited), got ${maxDepth}`);
  }
  const minSamplesLeaf = params.minSamplesLeaf ?? 1;
  if (!isIntegerAtLeast(minSamplesLeaf, 1)) {
    problems.push(`minSamplesLeaf must be an integer >= 1, got ${minSamplesLeaf}`);
  }
  const bootstrap = params.bootstrap ?? true;
  if (typeof bootstrap !== 'boolean') {
    problems.push(`bootstrap must be true or false, got ${String(bootstrap)}`);
  }
  const seed = params.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    problems.push(`seed must be a non-negative safe integer, got ${seed}`);
  }
  const maxBins = params.maxBins ?? 256;
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256) {
    problems.push(`maxBins must be an integer in 2..256, got ${maxBins}`);
  }
  if (problems.length > 0 || featuresPerSplit === undefined) {
    throw new UsageError(problems.map((p) => `forest: ${p}`));
  }
  return {
    nEstimators,
    maxFeatures,
    featuresPerSplit,
    maxDepth,
    minSamplesLeaf,
    bootstrap,
    seed,
    maxBins,
  };
}

/** scikit-learn's reading of `max_features`, or undefined when it makes no sense. */
function resolveMaxFeatures(maxFeatures: MaxFeatures, nFeatures: number): number | undefined {
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (typeof maxFeatures !== 'number' || !Number.isFinite(maxFeatures) || maxFeatures <= 0) {
    return undefined;
  }
  // JavaScript has one number type, so 1 reads as scikit-learn's default 1.0 (all features).
  if (maxFeatures <= 1) return Math.max(1, Math.floor(maxFeatures * nFeatures));
  if (Number.isInteger(maxFeatures) && maxFeatures <= nFeatures) return maxFeatures;
  return undefined;
}

function isIntegerAtLeast(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}
