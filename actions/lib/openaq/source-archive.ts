import { UsageError } from '../errors.ts';
import { archiveKeyOf, monthFolderOf, parseArchiveKey } from './archive-key.ts';
import type { Source, SourceListing, SourceObject, TimeSpan } from './source.ts';
import type { ListedObject, SourceStorage } from './source-s3.ts';

/** A day, in epoch ms: an archive interval. */
export const DAY_MS = 86_400_000;

/**
 * Month folders listed at once: the archive's objects are small, so a run's time goes to requests,
 * and a listing per location and month is one round trip each.
 */
export const ARCHIVE_LISTING_CONCURRENCY = 16;

/**
 * OpenAQ's archive (DESIGN.md, "OpenAQ archive record → TOAR rows") as a Source: an interval is a
 * UTC day, and its objects are the selected locations' `location-<id>-<yyyymmdd>.csv.gz` of that
 * date. Each location's month folder is listed once per Source (a run over a month lists each
 * location once) and gives every object's ETag and LastModified without reading it: a location
 * without an object that day is an empty location-day, never an error. Names in a listed folder
 * that are not that location's objects are counted as skipped, once.
 *
 * @example
 * const source = archiveSource(s3Access('s3://openaq-data-archive/records/csv.gz/', { anonymous: true }), [2178, 8118]);
 * const { objects } = await source.list({ start: Date.parse('2024-03-01T00:00Z'), end: Date.parse('2024-03-02T00:00Z') });
 */
export function archiveSource(storage: SourceStorage, locations: readonly number[]): Source {
  const selected = [...new Set(locations)].sort((a, b) => a - b);
  const folders = new Map<string, Promise<Map<string, ListedObject>>>();
  const reported = new Set<string>();
  const skippedOf = new Map<string, string[]>();

  const monthListing = (location: number, day: number) => {
    const folder = monthFolderOf(location, day);
    let listing = folders.get(folder);
    if (listing === undefined) {
      listing = listLocationMonth(storage, location, day).then(({ objects, skipped }) => {
        skippedOf.set(folder, skipped);
        return new Map(objects.map((object) => [object.key, object]));
      });
      listing.catch(() => folders.delete(folder));
      folders.set(folder, listing);
    }
    return { folder, listing };
  };

  return {
    url: storage.url,
    layout: 'archive',
    async check() {
      await storage.checkRoot();
      if (selected.length === 0) {
        throw new UsageError('no location is selected: give --locations (ids, @file or all)');
      }
    },
    async list(span: TimeSpan): Promise<SourceListing> {
      const objects: SourceObject[] = [];
      const skipped: string[] = [];
      const pairs: { location: number; day: number }[] = [];
      for (let day = Math.ceil(span.start / DAY_MS) * DAY_MS; day < span.end; day += DAY_MS) {
        for (const location of selected) pairs.push({ location, day });
      }
      await forEachBounded(pairs, ARCHIVE_LISTING_CONCURRENCY, async ({ location, day }) => {
        const { folder, listing } = monthListing(location, day);
        const found = (await listing).get(archiveKeyOf(location, day));
        if (!reported.has(folder)) {
          reported.add(folder);
          skipped.push(...(skippedOf.get(folder) ?? []));
        }
        if (found === undefined) return;
        objects.push({
          key: found.key,
          fetchedAt: found.lastModified,
          archiveDay: day,
          etag: found.etag,
        });
      });
      // Key order: the archive's precedence (DESIGN.md, archive rule "duplicates").
      objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      skipped.sort();
      return { objects, skipped, misfiled: [] };
    },
    read: (object) => storage.readObject(object.key),
  };
}

/** One listing of a location's month folder, split into its objects and the other names. */
export interface LocationMonthListing {
  /** The location's objects of that month (their keys parse, with its id, in that folder), in key order. */
  readonly objects: ListedObject[];
  /** Any other name listed in the folder (skipped, never an error). */
  readonly skipped: string[];
}

/**
 * Lists the month folder holding `location`'s objects of `day`'s month (one listing, all pages), as
 * the archive source reads a location: the keys that are that location's objects of that month, and
 * the other names.
 *
 * @example
 * await listLocationMonth(storage, 2178, Date.parse('2024-03-01T00:00:00Z'));
 * // { objects: [{ key: 'locationid=2178/year=2024/month=03/location-2178-20240301.csv.gz', … }, …], skipped: [] }
 */
export async function listLocationMonth(
  storage: Pick<SourceStorage, 'listObjects'>,
  location: number,
  day: number,
): Promise<LocationMonthListing> {
  const folder = monthFolderOf(location, day);
  const objects: ListedObject[] = [];
  const skipped: string[] = [];
  for (const object of await storage.listObjects(folder)) {
    const parsed = parseArchiveKey(object.key);
    const inFolder =
      parsed !== null &&
      parsed.locationId === location &&
      monthFolderOf(location, parsed.day) === folder;
    if (inFolder) objects.push(object);
    else skipped.push(object.key);
  }
  return { objects, skipped };
}

/**
 * Runs `work` on every item, at most `limit` at once; the first failure is thrown once all settle.
 *
 * @example await forEachBounded(locations, 16, async (id) => { … })
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure.error;
}
