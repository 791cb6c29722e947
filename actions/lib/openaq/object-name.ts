/**
 * Which bucket objects are fetches, and when they were fetched (DESIGN.md, "The data interval").
 * OpenAQ's fetcher named each object after the Unix second it ran, optionally with a suffix:
 * `realtime/2018-06-07/1528329600.ndjson`, `…/1654041600_eea_<uuid>.ndjson`, and gzipped copies
 * `realtime-gzipped/…/1528329600.ndjson.gz`.
 */

/** DESIGN.md's accepted basenames; the leading number is the fetch time in Unix seconds. */
const FETCH_NAME = /^(\d+)(_[^/]*)?\.ndjson(\.gz)?$/;

/** Latest instant a JavaScript Date can hold (ECMAScript's ±8.64e15 ms range). */
const MAX_EPOCH_MS = 8.64e15;

/** A fetch object's name, parsed. */
export interface ObjectName {
  /** When the fetch ran: the name's leading number (Unix seconds), in epoch milliseconds. */
  fetchedAt: number;
  /** The basename (the part after the last `/`). */
  name: string;
}

/**
 * Parses a bucket key's basename; `null` means the object is not a fetch and is skipped
 * (counted, never an error). A number too large to be a date is skipped too.
 *
 * @example
 * parseObjectName('realtime-gzipped/2018-06-07/1528329600.ndjson.gz');
 * // → { fetchedAt: 1528329600000, name: '1528329600.ndjson.gz' }
 * parseObjectName('realtime/2022-06-01/1654041600_eea_3f2a.ndjson');
 * // → { fetchedAt: 1654041600000, name: '1654041600_eea_3f2a.ndjson' }
 * parseObjectName('realtime/2018-06-07/README.txt');  // null
 */
export function parseObjectName(key: string): ObjectName | null {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const match = FETCH_NAME.exec(name);
  if (match === null) return null;
  const fetchedAt = Number(match[1]) * 1000;
  if (!(fetchedAt <= MAX_EPOCH_MS)) return null;
  return { fetchedAt, name };
}
