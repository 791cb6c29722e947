import { parseArchiveKey } from './archive-key.ts';
import {
  ARCHIVE_LISTING_CONCURRENCY,
  forEachBounded,
  listLocationMonth,
} from './source-archive.ts';
import type { SourceStorage } from './source-s3.ts';

/** A location's year folder (`locationid=2178/year=2024/`) and month folder (`…/month=03/`). */
const YEAR_FOLDER = /\/year=(\d{4})\/$/;
const MONTH_FOLDER = /\/month=(\d{2})\/$/;

/** The folders right under `prefix` that `pattern` matches, with its number, newest first. */
async function numberedFolders(
  storage: Pick<SourceStorage, 'listFolders'>,
  prefix: string,
  pattern: RegExp,
): Promise<number[]> {
  return (await storage.listFolders(prefix))
    .map((folder) => Number(pattern.exec(folder)?.[1] ?? Number.NaN))
    .filter((n) => Number.isSafeInteger(n))
    .sort((a, b) => b - a);
}

/**
 * The newest day (00:00 UTC of its key's date, epoch ms) of which the archive holds an object of
 * `location`, or undefined when it holds none: its year folders, then the newest year's month
 * folders, are listed, and month folders are listed newest first as the archive source lists a
 * location ({@link listLocationMonth}) until one holds an object of it. A location the archive
 * has costs three listings; one it lacks, one.
 *
 * @example
 * await newestLocationDay(storage, 2178); // Date.parse('2024-03-01T00:00:00Z'), say
 * await newestLocationDay(storage, 99999999); // undefined
 */
export async function newestLocationDay(
  storage: Pick<SourceStorage, 'listFolders' | 'listObjects'>,
  location: number,
): Promise<number | undefined> {
  const root = `locationid=${location}/`;
  for (const year of await numberedFolders(storage, root, YEAR_FOLDER)) {
    const months = await numberedFolders(storage, `${root}year=${year}/`, MONTH_FOLDER);
    for (const month of months.filter((m) => m >= 1 && m <= 12)) {
      const { objects } = await listLocationMonth(storage, location, Date.UTC(year, month - 1, 1));
      const days = objects.map((object) => parseArchiveKey(object.key)?.day ?? 0);
      if (days.length > 0) return Math.max(...days);
    }
  }
  return undefined;
}

/**
 * {@link newestLocationDay} of each location, listed {@link ARCHIVE_LISTING_CONCURRENCY} at once.
 *
 * @example
 * await newestLocationDays(storage, [2178, 99999999]);
 * // Map { 2178 => 1709251200000, 99999999 => undefined }
 */
export async function newestLocationDays(
  storage: Pick<SourceStorage, 'listFolders' | 'listObjects'>,
  locations: readonly number[],
): Promise<Map<number, number | undefined>> {
  const newest = new Map<number, number | undefined>();
  await forEachBounded([...new Set(locations)], ARCHIVE_LISTING_CONCURRENCY, async (location) => {
    newest.set(location, await newestLocationDay(storage, location));
  });
  return new Map([...newest].sort(([a], [b]) => a - b));
}
