// The files a run leaves in FRESHET_OUTPUT_DIR, as values: train.ts writes them. Pure.

import { UsageError } from '../../actions/lib/errors.ts';
import type { FeatureSpec } from '../../actions/lib/training/data/features.ts';
import { formatHour, HOUR_MS } from '../../actions/lib/training/data/hours.ts';
import {
  type JsonValue,
  parseModelJson,
  toModelJson,
  toOnnx,
} from '../../actions/lib/training/forest/index.ts';
import type { OzoneForestResult } from './model.ts';
import type { OzoneForestOptions } from './options.ts';

/** File name → content. */
export type Artifacts = ReadonlyMap<string, string | Uint8Array>;

/** The feature specification as plain JSON, for model.json. */
export function featureSpecJson(spec: FeatureSpec): JsonValue {
  return {
    version: spec.version,
    target: spec.target,
    horizon: spec.horizon,
    lags: [...spec.lags],
    calendar: [...spec.calendar],
    ...(spec.others && spec.others.length > 0
      ? { others: spec.others.map((o) => ({ variable: o.variable, lags: [...o.lags] })) }
      : {}),
  };
}

/** The entry point's parameters as trained with (`auto` resolved), under the project file's names. */
export function paramsJson(
  options: OzoneForestOptions & { readonly minSamplesLeaf: number },
): Record<string, number> {
  return {
    n_estimators: options.nEstimators,
    min_samples_leaf: options.minSamplesLeaf,
    max_features: options.maxFeatures,
    max_depth: options.maxDepth,
    seed: options.seed,
    test_fraction: options.testFraction,
  };
}

/**
 * `time,observed,predicted`, one line per test row; `time` is the hour predicted (issue time +
 * horizon), the hour `observed` was measured. Numbers as JavaScript prints them (shortest text
 * that reads back exactly).
 */
export function predictionsCsv(result: OzoneForestResult, horizon: number): string {
  const lines = ['time,observed,predicted'];
  for (let i = 0; i < result.testTimes.length; i++) {
    const time = formatHour(result.testTimes[i]! + horizon * HOUR_MS);
    lines.push(`${time},${result.observed[i]},${result.predicted[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Features by importance, most important first (ties in signature order).
 *
 * @throws UsageError when there is not one importance per name
 */
export function featureImportanceJson(
  names: readonly string[],
  importances: ArrayLike<number>,
): { feature: string; importance: number }[] {
  if (importances.length !== names.length) {
    throw new UsageError(
      `feature importances: ${importances.length} importances for ${names.length} features`,
    );
  }
  return (
    names
      // j < names.length = importances.length (checked above).
      .map((feature, j) => ({ feature, importance: importances[j]! }))
      .sort((a, b) => b.importance - a.importance)
  );
}

/**
 * Every artifact of a run: metrics.json, params.json, model.json (the serving format, with the
 * feature specification and signature), model.onnx (the same trees), predictions.csv and
 * feature_importance.json.
 *
 * @example
 * for (const [name, content] of ozoneForestArtifacts(result, matrix.names, spec, options)) …
 */
export function ozoneForestArtifacts(
  result: OzoneForestResult,
  names: readonly string[],
  spec: FeatureSpec,
  options: OzoneForestOptions,
): Artifacts {
  const model = toModelJson(result.forest, {
    inputs: names,
    output: spec.target,
    features: featureSpecJson(spec),
  });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return new Map<string, string | Uint8Array>([
    ['metrics.json', json(result.metrics)],
    ['params.json', json(paramsJson({ ...options, minSamplesLeaf: result.minSamplesLeaf }))],
    ['model.json', model],
    // From model.json as served, so that the ONNX file carries the signature's names too.
    ['model.onnx', toOnnx(parseModelJson(model))],
    ['predictions.csv', predictionsCsv(result, spec.horizon)],
    ['feature_importance.json', json(featureImportanceJson(names, result.importances))],
  ]);
}
