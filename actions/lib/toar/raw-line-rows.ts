// Walking the `raw_hash, raw` COPY rows of rejected lines' raw texts (ObjectBatch.rejectedLines). Pure.

/** `\\x` and 64 hex digits: a SHA-256 as a bytea in COPY text, how every row starts. */
const HASH_FIELD = 67;
const NEWLINE = 0x0a;
const latin1 = new TextDecoder('latin1');

/**
 * Calls `each` with every row's hash (64 hex digits) and the row itself (newline included, a view
 * into `rows`).
 *
 * @example
 * forEachRawLine(batch.rejectedLines.view(), (hash, row) => seen.add(hash));
 */
export function forEachRawLine(
  rows: Uint8Array,
  each: (hash: string, row: Uint8Array) => void,
): void {
  for (let from = 0; from < rows.length; ) {
    const newline = rows.indexOf(NEWLINE, from + HASH_FIELD);
    const end = newline < 0 ? rows.length : newline + 1;
    each(latin1.decode(rows.subarray(from + 3, from + HASH_FIELD)), rows.subarray(from, end));
    from = end;
  }
}
