/**
 * Strict RFC 3339 date-time parsing for `date.utc`.
 *
 * `Date.parse` accepts far too much (`"2018-06-07"`, `"June 7, 2018"`, `"2018-02-30T00:00:00Z"`
 * rolls over to March), so the grammar of RFC 3339 §5.6 is checked here by hand, on char codes:
 * no regular expression, no allocation, since this runs once per record on the hot path.
 *
 * Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)`, where
 * - `T` and `Z` may be lowercase (`t`, `z`), as RFC 3339 §5.6 allows;
 * - a space instead of `T` is NOT accepted: RFC 3339 only mentions it as a readability option
 *   outside the grammar, and OpenAQ never wrote it;
 * - the fraction has one or more digits, of any length; it is truncated to milliseconds (as
 *   `Date.parse` does), never rounded, so a time never moves into the next second;
 * - the calendar is checked: month 01–12, day within its month (Gregorian leap years), hour 00–23,
 *   minute 00–59, second 00–59 (leap second 60 is rejected: epoch time cannot represent it),
 *   offset hours 00–23 and minutes 00–59; `-00:00` is read as UTC.
 */

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const HYPHEN = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** Days in each month of a common year (index 1–12). */
export const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Value of the two ASCII digits at `at`, or -1 when either is not a digit. */
export function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - DIGIT_0;
  const b = text.charCodeAt(at + 1) - DIGIT_0;
  // charCodeAt past the end is NaN, which fails both comparisons.
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
 * Used instead of `Date.UTC`, which maps years 0–99 to 1900–1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** What a date-time grammar allows beyond the shape every one shares (see {@link parseDateTime}). */
export interface DateTimeGrammar {
  /** Char codes allowed between the date and the time (e.g. `T`, `t`). */
  readonly separators: readonly number[];
  /** Char codes that mean UTC at the end (e.g. `Z`, `z`). */
  readonly utc: readonly number[];
  /** Fraction digits allowed at most (at least one when there is a fraction). */
  readonly maxFractionDigits: number;
}

/** RFC 3339 §5.6: `T`/`t`, `Z`/`z`, a fraction of any length. */
export const RFC3339: DateTimeGrammar = {
  separators: [UPPER_T, LOWER_T],
  utc: [UPPER_Z, LOWER_Z],
  maxFractionDigits: Number.POSITIVE_INFINITY,
};

/**
 * `YYYY-MM-DD<separator>hh:mm:ss[.fraction](<utc>|+hh:mm|-hh:mm)` into epoch milliseconds (UTC),
 * or `NaN` when the text is not one (wrong shape or an impossible calendar date or time). The
 * calendar is checked, the fraction is truncated to milliseconds, and what `grammar` says decides
 * the separator, the letter for UTC and how long the fraction may be.
 *
 * @example
 * parseDateTime('2018-06-07T05:00:00+05:00', RFC3339); // 1528329600000
 */
export function parseDateTime(text: string, grammar: DateTimeGrammar): number {
  const length = text.length;
  // Shortest form: YYYY-MM-DDTHH:MM:SSZ (20 characters).
  if (length < 20) return Number.NaN;

  const century = twoDigits(text, 0);
  const yearInCentury = twoDigits(text, 2);
  if (century < 0 || yearInCentury < 0) return Number.NaN;
  const year = century * 100 + yearInCentury;
  if (text.charCodeAt(4) !== HYPHEN) return Number.NaN;
  const month = twoDigits(text, 5);
  if (month < 1 || month > 12 || text.charCodeAt(7) !== HYPHEN) return Number.NaN;
  const day = twoDigits(text, 8);
  // month is 1–12 here, so DAYS_IN_MONTH has it; the fallback is never used.
  const monthDays = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month] ?? 0);
  if (day < 1 || day > monthDays) return Number.NaN;

  if (!grammar.separators.includes(text.charCodeAt(10))) return Number.NaN;
  const hour = twoDigits(text, 11);
  if (hour < 0 || hour > 23 || text.charCodeAt(13) !== COLON) return Number.NaN;
  const minute = twoDigits(text, 14);
  if (minute < 0 || minute > 59 || text.charCodeAt(16) !== COLON) return Number.NaN;
  const second = twoDigits(text, 17);
  if (second < 0 || second > 59) return Number.NaN;

  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === DOT) {
    at++;
    const fractionStart = at;
    let scale = 100;
    for (
      let code = text.charCodeAt(at);
      code >= DIGIT_0 && code <= DIGIT_9;
      code = text.charCodeAt(++at)
    ) {
      // Digits beyond the third are checked but do not count: truncation to milliseconds.
      millis += (code - DIGIT_0) * scale;
      scale /= 10;
      if (scale < 1) scale = 0;
    }
    const digits = at - fractionStart;
    if (digits < 1 || digits > grammar.maxFractionDigits) return Number.NaN;
  }

  let offsetMinutes = 0;
  const zone = text.charCodeAt(at);
  if (grammar.utc.includes(zone)) {
    if (at + 1 !== length) return Number.NaN;
  } else if (zone === PLUS || zone === HYPHEN) {
    if (at + 6 !== length) return Number.NaN;
    const offsetHours = twoDigits(text, at + 1);
    const offsetMins = twoDigits(text, at + 4);
    if (offsetHours < 0 || offsetHours > 23 || text.charCodeAt(at + 3) !== COLON) return Number.NaN;
    if (offsetMins < 0 || offsetMins > 59) return Number.NaN;
    offsetMinutes = offsetHours * 60 + offsetMins;
    if (zone === HYPHEN) offsetMinutes = -offsetMinutes;
  } else {
    return Number.NaN;
  }

  const days = daysFromCivil(year, month, day);
  const msOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  // Local time minus its offset is UTC.
  return days * MS_PER_DAY + msOfDay - offsetMinutes * MS_PER_MINUTE;
}

/**
 * Parses an RFC 3339 date-time into epoch milliseconds (UTC), or returns `NaN` when the text is
 * not one (wrong shape or an impossible calendar date or time).
 *
 * @example
 * parseRfc3339('2018-06-07T00:00:00.000Z');      // 1528329600000
 * parseRfc3339('2018-06-07T05:00:00+05:00');     // 1528329600000
 * parseRfc3339('2018-02-30T00:00:00Z');          // NaN (no 30 February)
 * parseRfc3339('2018-06-07 00:00:00Z');          // NaN (a space is not accepted)
 */
export function parseRfc3339(text: string): number {
  return parseDateTime(text, RFC3339);
}
