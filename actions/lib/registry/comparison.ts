// The candidate against the current version of an alias: each metric, the persistence skill, the
// data, and — when both published predictions for the same hours — their errors on that common
// test window. Pure.
import type { Prediction } from '../training/run/run-predictions.ts';
import { persistenceSkill } from './card.ts';
import type { Manifest } from './manifest.ts';

/** Which way a metric is better, by its name; undefined when it has no known direction. */
export function betterDirection(metric: string): 'lower' | 'higher' | undefined {
  if (/^(r2|skill|accuracy|f1|auc)$/.test(metric)) return 'higher';
  if (/(^|_)(rmse|mae|mse|mape|loss|error)$/.test(metric)) return 'lower';
  return undefined;
}

/** One metric of both versions. */
export interface MetricComparison {
  readonly name: string;
  readonly candidate: number | undefined;
  readonly current: number | undefined;
  /** candidate − current, when both are known. */
  readonly difference: number | undefined;
  /** Which is better by this metric (undefined: equal, unknown direction, or a value missing). */
  readonly better: 'candidate' | 'current' | undefined;
}

/** Both versions' errors on the hours both predicted. */
export interface CommonWindow {
  readonly rows: number;
  readonly from: string;
  readonly to: string;
  readonly candidateRmse: number;
  readonly currentRmse: number;
}

/** The whole comparison. */
export interface VersionComparison {
  readonly metrics: readonly MetricComparison[];
  readonly commonWindow: CommonWindow | undefined;
  /** The verdict: by the common window when there is one, else by skill, else by rmse. */
  readonly better: 'candidate' | 'current' | undefined;
  /** How much better, relative (0.12: 12 % lower error or higher skill), when known. */
  readonly by: number | undefined;
  /** What the verdict rests on, for the text. */
  readonly basis: 'common test window' | 'skill' | 'rmse' | undefined;
}

function compareMetric(name: string, candidate?: number, current?: number): MetricComparison {
  const both = candidate !== undefined && current !== undefined;
  const direction = betterDirection(name);
  let better: MetricComparison['better'];
  if (both && direction !== undefined && candidate !== current) {
    better = (direction === 'lower') === candidate < current ? 'candidate' : 'current';
  }
  return { name, candidate, current, difference: both ? candidate - current : undefined, better };
}

/**
 * RMSE of both versions on the hours both predicted (by `time`), or undefined when none is shared.
 *
 * @example commonWindow(candidateRows, currentRows)?.candidateRmse
 */
export function commonWindow(
  candidate: readonly Prediction[],
  current: readonly Prediction[],
): CommonWindow | undefined {
  const theirs = new Map(current.map((p) => [p.time, p]));
  let rows = 0;
  let a = 0;
  let b = 0;
  let from: string | undefined;
  let to: string | undefined;
  for (const p of candidate) {
    const q = theirs.get(p.time);
    if (q === undefined) continue;
    rows++;
    a += (p.predicted - p.observed) ** 2;
    b += (q.predicted - q.observed) ** 2;
    if (from === undefined || p.time < from) from = p.time;
    if (to === undefined || p.time > to) to = p.time;
  }
  if (rows === 0 || from === undefined || to === undefined) return undefined;
  return { rows, from, to, candidateRmse: Math.sqrt(a / rows), currentRmse: Math.sqrt(b / rows) };
}

/**
 * Compares a candidate with the current version (undefined: the alias points at nothing yet).
 *
 * @example compareVersions(candidate, production, { candidate: rowsA, current: rowsB }).better
 */
export function compareVersions(
  candidate: Manifest,
  current: Manifest | undefined,
  predictions?: { candidate: readonly Prediction[]; current: readonly Prediction[] },
): VersionComparison {
  const names = [
    ...new Set([...Object.keys(candidate.metrics), ...Object.keys(current?.metrics ?? {})]),
  ].sort();
  const metrics = names.map((name) =>
    compareMetric(name, candidate.metrics[name], current?.metrics[name]),
  );
  const window =
    current === undefined || predictions === undefined
      ? undefined
      : commonWindow(predictions.candidate, predictions.current);
  const relative = (ours: number, theirs: number, lowerIsBetter: boolean) => {
    if (ours === theirs) return { better: undefined, by: 0 };
    const better = ours < theirs === lowerIsBetter ? ('candidate' as const) : ('current' as const);
    const base = Math.abs(theirs) > 0 ? Math.abs(theirs) : 1;
    return { better, by: Math.abs(ours - theirs) / base };
  };
  if (window !== undefined) {
    return {
      metrics,
      commonWindow: window,
      ...relative(window.candidateRmse, window.currentRmse, true),
      basis: 'common test window',
    };
  }
  const skillA = persistenceSkill(candidate.metrics);
  const skillB = current === undefined ? undefined : persistenceSkill(current.metrics);
  if (skillA !== undefined && skillB !== undefined) {
    return { metrics, commonWindow: undefined, ...relative(skillA, skillB, false), basis: 'skill' };
  }
  const rmseA = candidate.metrics.rmse;
  const rmseB = current?.metrics.rmse;
  if (rmseA !== undefined && rmseB !== undefined) {
    return { metrics, commonWindow: undefined, ...relative(rmseA, rmseB, true), basis: 'rmse' };
  }
  return { metrics, commonWindow: undefined, better: undefined, by: undefined, basis: undefined };
}
