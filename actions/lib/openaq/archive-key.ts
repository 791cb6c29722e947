/**
 * Keys of OpenAQ's public archive (DESIGN.md, "OpenAQ archive record → TOAR rows"): one gzipped CSV
 * per location and local day at
 * `locationid=<id>/year=<yyyy>/month=<mm>/location-<id>-<yyyymmdd>.csv.gz`, relative to the
 * archive's root (`s3://openaq-data-archive/records/csv.gz/`). Pure.
 */

import { DAYS_IN_MONTH, daysFromCivil, isLeapYear } from './datetime.ts';

const MS_PER_DAY = 86_400_000;

/** The archive's key pattern; the two ids and the dates are compared after the match. */
const ARCHIVE_KEY =
  /^locationid=([1-9]\d*)\/year=(\d{4})\/month=(\d{2})\/location-([1-9]\d*)-(\d{4})(\d{2})(\d{2})\.csv\.gz$/;

/** A location id as the archive writes it: an ASCII positive integer without leading zeros. */
const LOCATION_ID = /^[1-9]\d*$/;

/** An archive key, parsed. */
export interface ArchiveKey {
  /** The OpenAQ location id (the folder's and the name's, which are equal). */
  locationId: number;
  /** The key's date (the location's local day), as 00:00 UTC of that date, epoch ms. */
  day: number;
}

/**
 * Parses a key relative to the archive's root; `null` means it is not a location-day object
 * (another name, the folder's and the name's ids or dates differing, an impossible date): counted
 * as skipped, never an error.
 *
 * @example
 * parseArchiveKey('locationid=2178/year=2024/month=03/location-2178-20240301.csv.gz');
 * // → { locationId: 2178, day: 1709251200000 }
 * parseArchiveKey('locationid=2178/year=2024/month=03/location-8118-20240301.csv.gz'); // null
 */
export function parseArchiveKey(key: string): ArchiveKey | null {
  const match = ARCHIVE_KEY.exec(key);
  if (match === null) return null;
  const [, folderId, folderYear, folderMonth, nameId, year, month, date] = match;
  if (folderId !== nameId || folderYear !== year || folderMonth !== month) return null;
  const locationId = Number(nameId);
  if (!Number.isSafeInteger(locationId)) return null;
  const y = Number(year);
  const m = Number(month);
  const d = Number(date);
  if (m < 1 || m > 12) return null;
  const monthDays = m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m] ?? 0);
  if (d < 1 || d > monthDays) return null;
  return { locationId, day: daysFromCivil(y, m, d) * MS_PER_DAY };
}

/**
 * The key of a location's object for a day (`day`: any instant of that UTC date, epoch ms).
 *
 * @example
 * archiveKeyOf(2178, Date.parse('2024-03-01T00:00:00Z'));
 * // → 'locationid=2178/year=2024/month=03/location-2178-20240301.csv.gz'
 */
export function archiveKeyOf(locationId: number, day: number): string {
  const date = new Date(day).toISOString();
  const year = date.slice(0, 4);
  const month = date.slice(5, 7);
  return `${monthFolderOf(locationId, day)}location-${locationId}-${year}${month}${date.slice(8, 10)}.csv.gz`;
}

/**
 * The folder holding a location's objects of the month of `day`, with a trailing slash.
 *
 * @example
 * monthFolderOf(2178, Date.parse('2024-03-01T00:00:00Z')); // → 'locationid=2178/year=2024/month=03/'
 */
export function monthFolderOf(locationId: number, day: number): string {
  const date = new Date(day).toISOString();
  return `locationid=${locationId}/year=${date.slice(0, 4)}/month=${date.slice(5, 7)}/`;
}

/**
 * The location id of a top-level folder name of the archive (`locationid=2178/`, with or without
 * its slash), or `null` for any other name.
 *
 * @example
 * locationOfFolder('locationid=2178/'); // → 2178
 * locationOfFolder('README.md');        // null
 */
export function locationOfFolder(name: string): number | null {
  const match = /^locationid=([^/]*)\/?$/.exec(name);
  const id = match?.[1];
  if (id === undefined || !LOCATION_ID.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}
