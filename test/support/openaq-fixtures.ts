// The real OpenAQ samples vendored under test/fixtures/openaq/ (provenance and licence in its
// README.md), read by the names they have upstream: `fetches/2018-06-07.ndjson` is stored gzipped as
// `fetches/2018-06-07.ndjson.gz` to keep the repository small, and read back as the plain file it
// was; a sample that was gzip upstream (`fetches/2014-03-30.ndjson.gz`) is stored as it was. The
// files are part of the repository, so every test that uses them runs wherever the tests run.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The folder of the vendored samples, `test/fixtures/openaq/`. */
const OPENAQ_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/openaq/', import.meta.url));

const isGzipName = (name: string) => name.endsWith('.gz');

/** Gzip's magic number: the first two bytes of every gzip member (RFC 1952). */
const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * Where a sample is stored: its name, plus `.gz` when the sample itself is not gzip.
 *
 * @example
 * openaqFixturePath('fetches/2018-06-07.ndjson') // '…/test/fixtures/openaq/fetches/2018-06-07.ndjson.gz'
 */
function openaqFixturePath(name: string): string {
  return `${OPENAQ_FIXTURES_DIR}${isGzipName(name) ? name : `${name}.gz`}`;
}

/**
 * A sample's bytes as they are upstream: plain for `fetches/2018-06-07.ndjson`, gzip for
 * `fetches/2014-03-30.ndjson.gz`.
 *
 * @throws Error when the sample is not vendored
 * @example
 * openaqSampleBytes('listings/test-realtime-2017-09-28.csv').toString('utf8').split('\n')
 */
function openaqSampleBytes(name: string): Buffer {
  const stored = readFileSync(openaqFixturePath(name));
  if (isGzipName(name)) return stored;
  if (!isGzip(stored)) {
    throw new Error(`${openaqFixturePath(name)} is not gzip: vendor samples with gzip -n -9`);
  }
  return gunzipSync(stored);
}

/**
 * A sample's text, gunzipped when the sample is gzip.
 *
 * @example
 * openaqSampleText('fetches/2014-03-30.ndjson.gz').split('\n') // 64 records (and a final '')
 */
export function openaqSampleText(name: string): string {
  const bytes = openaqSampleBytes(name);
  return (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
}

/**
 * A sample's bytes (as {@link openaqSampleBytes}) as a stream of `chunkSize`-byte chunks, the way a
 * file or an HTTP body arrives: a line may straddle two chunks.
 *
 * @example
 * openObjectStream(openaqSampleStream('fetches/2018-06-07.ndjson', 4096), key)
 */
export function openaqSampleStream(name: string, chunkSize: number): Readable {
  const bytes = openaqSampleBytes(name);
  function* chunks(): Generator<Buffer> {
    for (let start = 0; start < bytes.length; start += chunkSize) {
      yield bytes.subarray(start, start + chunkSize);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
