import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openaqSampleText } from './openaq-fixtures.ts';

/** A sample placed in the real-time layout under a fetch time the test chose. */
export interface PlacedObject {
  key: string;
  fetchedAt: number;
  lines: string[];
}

/**
 * The text of the vendored fetch `test/fixtures/openaq/fetches/<name>` (gunzipped when it is gzip).
 *
 * @example
 * await placeObject(root, fetchedAt, await sampleText('2018-06-07.ndjson'))
 */
export async function sampleText(name: string): Promise<string> {
  return openaqSampleText(`fetches/${name}`);
}

/**
 * Writes `text` as `root/YYYY-MM-DD/<unix>[suffix].ndjson[.gz]` for the fetch time `fetchedAt`.
 * Returns the object as the tests' reference counts see it.
 */
export async function placeObject(
  root: string,
  fetchedAt: number,
  text: string,
  options: { gzip?: boolean; suffix?: string } = {},
): Promise<PlacedObject> {
  const folder = new Date(fetchedAt).toISOString().slice(0, 10);
  const name = `${fetchedAt / 1000}${options.suffix ?? ''}.ndjson${options.gzip === false ? '' : '.gz'}`;
  await mkdir(join(root, folder), { recursive: true });
  const bytes = Buffer.from(text, 'utf8');
  await writeFile(join(root, folder, name), options.gzip === false ? bytes : gzipSync(bytes));
  return { key: `${folder}/${name}`, fetchedAt, lines: text.split('\n') };
}
