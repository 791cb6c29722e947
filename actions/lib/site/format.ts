// How the pages write numbers, ages and comparisons. Pure and Web-standard.

/**
 * A metric's value: 4 significant digits, or an en dash when absent.
 *
 * @example formatMetric(2.345678) === '2.346'; formatMetric(undefined) === '–'
 */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4))
    return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/**
 * An age in days as words.
 *
 * @example formatAge(0.1) === '2 hours'; formatAge(3.2) === '3 days'; formatAge(-1) === 'in the future'
 */
export function formatAge(days: number): string {
  if (days < 0) return 'in the future';
  const hours = days * 24;
  if (hours < 1) return 'under an hour';
  if (hours < 48) return `${Math.floor(hours)} hour${Math.floor(hours) === 1 ? '' : 's'}`;
  if (days < 60) return `${Math.floor(days)} days`;
  if (days < 730) return `${Math.floor(days / 30.44)} months`;
  return `${Math.floor(days / 365.25)} years`;
}

/** An instant as `YYYY-MM-DD HH:MM UTC`. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Metrics for which a smaller value is better; for the others (r2, skill) a larger one is. */
const LOWER_IS_BETTER = /(^|_)(rmse|mae|mse|mape|bias|error|loss)$/;

/** Metrics that count things (rows, samples): neither value is better. */
const NEUTRAL = /(^|_)(rows|count|samples|n)(_|$)/;

/**
 * Which of two values of a metric is better: `a`, `b`, `same`, or undefined when one is absent or
 * the metric counts things (`rows_test`).
 *
 * @example better('rmse', 3, 2.5) === 'b'; better('r2', 0.8, 0.7) === 'a'
 */
export function better(
  metric: string,
  a: number | undefined,
  b: number | undefined,
): 'a' | 'b' | 'same' | undefined {
  if (a === undefined || b === undefined || NEUTRAL.test(metric)) return undefined;
  if (a === b) return 'same';
  const lower = LOWER_IS_BETTER.test(metric);
  return a < b === lower ? 'a' : 'b';
}

/** A parameter's value as text (JSON for anything but strings). */
export function formatParam(value: unknown): string {
  if (value === undefined) return '–';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
