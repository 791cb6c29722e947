// How the pages write numbers, ages and comparisons. Pure and Web-standard.
import { betterDirection } from '../registry/comparison.ts';

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

/**
 * Which of two values of a metric is better: `a`, `b`, `same`, or undefined when one is absent or
 * the metric has no known direction (`rows_test`). The direction is the registry's, so the compare
 * page and the promotion pull request agree.
 *
 * @example better('rmse', 3, 2.5) === 'b'; better('r2', 0.8, 0.7) === 'a'
 */
export function better(
  metric: string,
  a: number | undefined,
  b: number | undefined,
): 'a' | 'b' | 'same' | undefined {
  const direction = betterDirection(metric);
  if (a === undefined || b === undefined || direction === undefined) return undefined;
  if (a === b) return 'same';
  return a < b === (direction === 'lower') ? 'a' : 'b';
}

/** A parameter's value as text (JSON for anything but strings). */
export function formatParam(value: unknown): string {
  if (value === undefined) return '–';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
