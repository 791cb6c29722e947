// Instants as people type them (flags, workflow inputs, FRESHET_START) and as the planner prints them.
import { UsageError } from '../errors.ts';
import { alignDown, isAligned } from './align.ts';
import { INTERVAL_MS } from './types.ts';

// Date, then optionally a time with a mandatory zone. `T`, `t` or a space separates them (psql prints
// a space), fractions may use `.` or `,` (both are ISO 8601), offsets may be `+02`, `+0200` or `+02:00`.
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

const EXAMPLES = 'use e.g. 2014-01-01 or 2014-01-01T00:10:00Z';

/** The text as a person typed it, quoted only when quoting makes it visible (empty, spaces). */
function shown(text: string): string {
  return /^\S+$/.test(text) ? text : JSON.stringify(text);
}

/**
 * Parses an ISO 8601 instant into epoch milliseconds UTC.
 *
 * Accepts a calendar date (midnight UTC) or a date and time with `Z` or an offset; seconds and a
 * fraction of up to nine digits are optional. A time without a zone is refused rather than read
 * as local time, which would make the same flag mean different intervals on different machines.
 *
 * @param label the setting as the caller names it in messages: `--start` on the command line,
 *   `input 'start'` in an action, `start` in the library
 * @throws UsageError when the text is not such an instant, or not a real calendar date and time
 * @example
 * parseInstant('2014-01-01', '--start') === Date.UTC(2014, 0, 1)
 * parseInstant('2014-01-01T02:10+02:00', '--start') === Date.UTC(2014, 0, 1, 0, 10)
 */
export function parseInstant(text: string, label: string): number {
  const trimmed = text.trim();
  const match = INSTANT.exec(trimmed);
  if (match === null) {
    throw new UsageError(`${label} ${shown(text)} is not an ISO 8601 instant: ${EXAMPLES}`);
  }
  const [
    ,
    year,
    month,
    day,
    hour,
    minute,
    second,
    fraction,
    zulu,
    sign,
    offsetHours,
    offsetMinutes,
  ] = match;
  if (hour !== undefined && zulu === undefined && sign === undefined) {
    throw new UsageError(
      `${label} ${trimmed} has no time zone: add Z for UTC (${trimmed}Z) or an offset such as +02:00`,
    );
  }
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
  };
  const digits = (fraction ?? '').padEnd(9, '0');
  if (/[1-9]/.test(digits.slice(3))) {
    throw new UsageError(`${label} ${trimmed} is finer than a millisecond: ${EXAMPLES}`);
  }
  const local = utcFromFields(fields, Number(digits.slice(0, 3)));
  if (local === undefined) {
    throw new UsageError(`${label} ${trimmed} is not a real date and time: ${EXAMPLES}`);
  }
  if (sign === undefined) return local;
  const offsetH = Number(offsetHours);
  const offsetM = Number(offsetMinutes ?? 0);
  if (offsetH > 23 || offsetM > 59) {
    throw new UsageError(`${label} ${trimmed} has an impossible offset: ${EXAMPLES}`);
  }
  // 10:00+02:00 is 08:00Z: subtract an east offset, add a west one.
  const offsetMs = (offsetH * 60 + offsetM) * 60_000;
  return sign === '+' ? local - offsetMs : local + offsetMs;
}

interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Epoch ms of the fields read as UTC, or undefined when they name no real instant (Feb 30, 24:00). */
function utcFromFields(f: DateTimeFields, millisecond: number): number | undefined {
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not turn years 0–99 into 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  if (
    date.getUTCFullYear() !== f.year ||
    date.getUTCMonth() !== f.month - 1 ||
    date.getUTCDate() !== f.day
  ) {
    return undefined;
  }
  date.setUTCHours(f.hour, f.minute, f.second, millisecond);
  return date.getTime();
}

/**
 * Parses an instant that must be aligned to 10 minutes (an interval bound given by a person).
 * The error names both aligned neighbours, so the fix can be copied.
 *
 * @throws UsageError as {@link parseInstant}, or when the instant is not aligned, e.g.
 * `--start 2014-01-01T00:05:00Z is not aligned to 10 minutes: use 2014-01-01T00:00:00Z or 2014-01-01T00:10:00Z`
 */
export function parseAlignedInstant(text: string, label: string): number {
  const ms = parseInstant(text, label);
  if (!isAligned(ms)) {
    const before = alignDown(ms);
    throw new UsageError(
      `${label} ${text.trim()} is not aligned to 10 minutes: use ${formatInstant(before)} or ${formatInstant(before + INTERVAL_MS)}`,
    );
  }
  return ms;
}

/**
 * Formats epoch ms as an ISO 8601 instant in UTC without milliseconds, the form the plan matrix and
 * messages use. Milliseconds are kept only when there are some, so formatting never loses time.
 *
 * @example formatInstant(Date.UTC(2014, 0, 1, 0, 10)) === '2014-01-01T00:10:00Z'
 * @throws RangeError when `ms` is not a representable instant (a bug in the caller)
 */
export function formatInstant(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`formatInstant: ${ms} is not a representable instant`);
  }
  return date.toISOString().replace('.000Z', 'Z');
}
