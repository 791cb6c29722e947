// Durations: chunk sizes and settle delays (`10m`, `1h`, `1d`) and training windows (`P365D`).
import { UsageError } from '../errors.ts';
import { INTERVAL_MS } from './types.ts';

const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const UNIT_MS = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS } as const;

const isUnit = (unit: string | undefined): unit is keyof typeof UNIT_MS =>
  unit !== undefined && Object.hasOwn(UNIT_MS, unit);

const SHORT_EXAMPLES = 'use a whole number of minutes, hours or days, e.g. 10m, 1h, 1d';

/**
 * Parses a short duration (`10m`, `90m`, `1h`, `6h`, `1d`) into ms. Only minutes, hours and days:
 * every such duration must be a positive multiple of 10 minutes, the unit of every interval.
 *
 * @param label the setting as the caller names it in messages: `--chunk` on the command line,
 *   `input 'chunk'` in an action, `chunk` in the library
 * @throws UsageError when the text is not such a duration; a near miss names the nearest valid ones
 * @example parseDuration('1h', '--chunk') === 3_600_000
 */
export function parseDuration(text: string, label: string): number {
  const trimmed = text.trim();
  const [, count, unit] = /^(\d+)([mhd])$/.exec(trimmed) ?? [];
  if (!isUnit(unit)) {
    const shownText = trimmed === '' ? JSON.stringify(text) : trimmed;
    throw new UsageError(`${label} ${shownText} is not a duration: ${SHORT_EXAMPLES}`);
  }
  const ms = Number(count) * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(`${label} ${trimmed} is too long to be a duration: ${SHORT_EXAMPLES}`);
  }
  if (ms === 0) {
    throw new UsageError(`${label} ${trimmed} is not longer than zero: use at least 10m`);
  }
  if (ms % INTERVAL_MS !== 0) {
    const below = Math.floor(ms / INTERVAL_MS) * INTERVAL_MS;
    const choices = [below, below + INTERVAL_MS].filter((c) => c > 0).map(formatDuration);
    throw new UsageError(
      `${label} ${trimmed} is not a multiple of 10 minutes: use ${choices.join(' or ')}`,
    );
  }
  return ms;
}

/**
 * Formats ms in the largest unit that divides it exactly, so that the result parses back with
 * {@link parseDuration} when it is a multiple of 10 minutes (`90m` stays `90m`, not `1h30m`).
 *
 * @example formatDuration(86_400_000) === '1d'; formatDuration(5_400_000) === '90m'
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0m';
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', HOUR_MS],
    ['m', MINUTE_MS],
    ['s', SECOND_MS],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

// Weeks, days, hours, minutes, seconds: the ISO 8601 designators with a fixed length.
const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

/**
 * Parses an ISO 8601 duration of fixed length (`P365D`, `PT12H`, `P1DT6H`, `P2W`, `PT90M`) into ms.
 * Years and months are refused: their length depends on where they start, and a training window
 * must mean the same number of hours whenever it is evaluated. Need not be aligned to 10 minutes.
 *
 * @param label where the text came from, named in the error (e.g. `data.window`)
 * @throws UsageError when the text is not such a duration, uses years or months, or is zero
 * @example parseIsoDuration('P1DT6H', 'data.window') === 30 * 3_600_000
 */
export function parseIsoDuration(text: string, label: string): number {
  const trimmed = text.trim();
  const upper = trimmed.toUpperCase();
  const datePart = upper.split('T')[0] ?? '';
  if (upper.startsWith('P') && /\d+[YM]/.test(datePart)) {
    throw new UsageError(
      `${label} ${trimmed} uses years or months, which have no fixed length: use days, e.g. P365D`,
    );
  }
  const match = ISO_DURATION.exec(trimmed);
  // `P` alone, or a `T` with no time after it, matches the pattern but names no duration.
  if (match === null || /^P$|T$/i.test(trimmed)) {
    const shownText = trimmed === '' ? JSON.stringify(text) : trimmed;
    throw new UsageError(
      `${label} ${shownText} is not an ISO 8601 duration: use e.g. P365D, PT12H or P1DT6H`,
    );
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const ms =
    Number(weeks ?? 0) * 7 * DAY_MS +
    Number(days ?? 0) * DAY_MS +
    Number(hours ?? 0) * HOUR_MS +
    Number(minutes ?? 0) * MINUTE_MS +
    Number(seconds ?? 0) * SECOND_MS;
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(`${label} ${trimmed} is too long to be a duration`);
  }
  if (ms === 0) {
    throw new UsageError(`${label} ${trimmed} is not longer than zero: use e.g. P365D`);
  }
  return ms;
}
