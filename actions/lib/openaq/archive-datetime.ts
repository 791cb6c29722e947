import { DAYS_IN_MONTH, daysFromCivil, isLeapYear, twoDigits } from './datetime.ts';

/**
 * The archive's `datetime` (DESIGN.md, archive rule "time"): `YYYY-MM-DD`, `T` or one space,
 * `hh:mm:ss`, an optional fraction of 1–6 digits, then `Z` or `±hh:mm` (hh ≤ 23, mm ≤ 59), ASCII
 * digits only, and a real date-time (the calendar is checked, no leap second). The fraction is
 * truncated to milliseconds, as for real-time records. Pure, no regular expression.
 */

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const HYPHEN = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const SPACE = 32;
const UPPER_T = 84;
const UPPER_Z = 90;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const MAX_FRACTION_DIGITS = 6;

/**
 * Epoch milliseconds (UTC) of an archive date-time, or `NaN` when the text is not one.
 *
 * @example
 * parseArchiveDateTime('2023-02-22T01:00:00-07:00'); // 1677052800000 (08:00 UTC)
 * parseArchiveDateTime('2021-12-16 01:00:00+00:00'); // 1639616400000
 * parseArchiveDateTime('2021-12-16 01:00:00+00');    // NaN (the offset needs its minutes)
 */
export function parseArchiveDateTime(text: string): number {
  const length = text.length;
  if (length < 20) return Number.NaN;
  const century = twoDigits(text, 0);
  const yearInCentury = twoDigits(text, 2);
  if (century < 0 || yearInCentury < 0 || text.charCodeAt(4) !== HYPHEN) return Number.NaN;
  const year = century * 100 + yearInCentury;
  const month = twoDigits(text, 5);
  if (month < 1 || month > 12 || text.charCodeAt(7) !== HYPHEN) return Number.NaN;
  const day = twoDigits(text, 8);
  const monthDays = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month] ?? 0);
  if (day < 1 || day > monthDays) return Number.NaN;
  const separator = text.charCodeAt(10);
  if (separator !== UPPER_T && separator !== SPACE) return Number.NaN;
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
      millis += (code - DIGIT_0) * scale;
      scale = scale < 10 ? 0 : scale / 10;
    }
    const digits = at - fractionStart;
    if (digits < 1 || digits > MAX_FRACTION_DIGITS) return Number.NaN;
  }

  let offsetMinutes = 0;
  const zone = text.charCodeAt(at);
  if (zone === UPPER_Z) {
    if (at + 1 !== length) return Number.NaN;
  } else if (zone === PLUS || zone === HYPHEN) {
    if (at + 6 !== length || text.charCodeAt(at + 3) !== COLON) return Number.NaN;
    const offsetHours = twoDigits(text, at + 1);
    const offsetMins = twoDigits(text, at + 4);
    if (offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) {
      return Number.NaN;
    }
    offsetMinutes = offsetHours * 60 + offsetMins;
    if (zone === HYPHEN) offsetMinutes = -offsetMinutes;
  } else {
    return Number.NaN;
  }
  const msOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return daysFromCivil(year, month, day) * MS_PER_DAY + msOfDay - offsetMinutes * MS_PER_MINUTE;
}
