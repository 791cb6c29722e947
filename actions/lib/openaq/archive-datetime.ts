import { type DateTimeGrammar, parseDateTime } from './datetime.ts';

/**
 * The archive's `datetime` (DESIGN.md, archive rule "time"): `YYYY-MM-DD`, `T` or one space,
 * `hh:mm:ss`, an optional fraction of 1–6 digits, then `Z` or `±hh:mm` (hh ≤ 23, mm ≤ 59), ASCII
 * digits only, and a real date-time (the calendar is checked, no leap second). The fraction is
 * truncated to milliseconds, as for real-time records. Pure, no regular expression.
 */

const SPACE = 32;
const UPPER_T = 84;
const UPPER_Z = 90;

/** The archive's grammar: `T` or a space, `Z` only, a fraction of 1–6 digits. */
const ARCHIVE: DateTimeGrammar = {
  separators: [UPPER_T, SPACE],
  utc: [UPPER_Z],
  maxFractionDigits: 6,
};

/**
 * Epoch milliseconds (UTC) of an archive date-time, or `NaN` when the text is not one.
 *
 * @example
 * parseArchiveDateTime('2023-02-22T01:00:00-07:00'); // 1677052800000 (08:00 UTC)
 * parseArchiveDateTime('2021-12-16 01:00:00+00:00'); // 1639616400000
 * parseArchiveDateTime('2021-12-16 01:00:00+00');    // NaN (the offset needs its minutes)
 */
export function parseArchiveDateTime(text: string): number {
  return parseDateTime(text, ARCHIVE);
}
