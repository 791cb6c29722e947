// The real bucket listing vendored in test/fixtures/openaq/listings/ (91 keys under `test-realtime/`), and
// an independent reading of which keys an interval selects, for the tests of every Source.
import { expect } from 'vitest';
import type { Source, SourceObject } from '../../actions/lib/openaq/source.ts';
import { openaqSampleText } from './openaq-fixtures.ts';

/** The prefix of the listing's keys; a Source's root stands for it. */
export const LISTING_PREFIX = 'test-realtime/';

/** The keys of `listings/test-realtime-2017-09-28.csv` (first column). */
export async function realListingKeys(): Promise<string[]> {
  const csv = openaqSampleText('listings/test-realtime-2017-09-28.csv');
  return csv
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.slice(0, line.indexOf(',')));
}

/**
 * Independently of the code under test: the number before `.ndjson` is the fetch second, its UTC
 * date is the folder; the objects fetched in `[from, to)`, by fetch time.
 */
function expectedSelection(keys: readonly string[], from: number, to: number): SourceObject[] {
  return keys
    .map((key) => {
      const match = /^test-realtime\/(\d{4}-\d{2}-\d{2})\/(\d+)\.ndjson$/.exec(key);
      if (!match) throw new Error(`unexpected key in the listing: ${key}`);
      const fetchedAt = Number(match[2]) * 1000;
      if (new Date(fetchedAt).toISOString().slice(0, 10) !== match[1]) {
        throw new Error(`${key} is not in the folder of its fetch date`);
      }
      return { key: key.slice(LISTING_PREFIX.length), fetchedAt };
    })
    .filter((o) => o.fetchedAt >= from && o.fetchedAt < to)
    .sort((a, b) => a.fetchedAt - b.fetchedAt);
}

/**
 * Checks that `source` (holding the listing's keys) selects what {@link expectedSelection} does, for
 * `window` and for every 10-minute interval of 2017-09-28 (each key in exactly one).
 */
export async function expectSelectionLikeTheListing(
  source: Source,
  keys: readonly string[],
  window: { start: number; end: number },
): Promise<void> {
  const listing = await source.list(window);
  expect(listing.objects).toEqual(expectedSelection(keys, window.start, window.end));
  expect(listing.objects.length).toBeGreaterThan(10);
  expect(listing.skipped).toEqual([]);

  const day = Date.parse('2017-09-28T00:00:00Z');
  const seen: SourceObject[] = [];
  for (let start = day; start < day + 86_400_000; start += 600_000) {
    const tenMinutes = await source.list({ start, end: start + 600_000 });
    expect(tenMinutes.objects).toEqual(expectedSelection(keys, start, start + 600_000));
    seen.push(...tenMinutes.objects);
  }
  expect(seen).toEqual(expectedSelection(keys, day, day + 86_400_000));
  expect(seen).toHaveLength(91);
}
