// An archive object end to end through the parse (gunzip → lines → header → archive rules →
// batch), in both encodings found in the bucket: unquoted with LF, and every field quoted with CRLF.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseObject } from '../../../actions/lib/ingest/parse-object.ts';
import { ARCHIVE_HEADER } from '../../../actions/lib/openaq/archive-rules.ts';
import { openaqSampleText } from '../../support/openaq-fixtures.ts';

const KEY = 'locationid=2178/year=2023/month=02/location-2178-20230222.csv.gz';
const DAY = Date.parse('2023-02-22T00:00:00Z');
const LAST_MODIFIED = Date.parse('2023-02-25T09:12:00Z');
const LIMITS = { maxObjectBytes: 2 ** 31 };

/** Unquoted with LF, as the documented example file. */
function plainCsv(rows: string[][]): string {
  return [ARCHIVE_HEADER.join(','), ...rows.map((r) => r.join(','))].join('\n');
}

/** Every field double-quoted, CRLF line ends, as files written since 2026 are. */
function quotedCsv(rows: string[][]): string {
  const quoteField = (f: string) => `"${f.replaceAll('"', '""')}"`;
  return [[...ARCHIVE_HEADER], ...rows].map((r) => r.map(quoteField).join(',')).join('\r\n');
}

const ROWS = [
  [
    '2178',
    '3919',
    'Del Norte-2178',
    '2023-02-22T01:00:00-07:00',
    '35.1353',
    '-106.584702',
    'pm10',
    'µg/m³',
    '14.0',
  ],
  [
    '2178',
    '3920',
    'Del Norte-2178',
    '2023-02-22T01:00:00-07:00',
    '35.1353',
    '-106.584702',
    'pm10',
    'µg/m³',
    '15.5',
  ],
  [
    '2178',
    '3917',
    'Del Norte-2178',
    '2023-02-22T01:00:00-07:00',
    '35.1353',
    '-106.584702',
    'o3',
    'ppm',
    '0.04',
  ],
  [
    '2178',
    '3917',
    'Del Norte-2178',
    '2023-02-22T02:00:00-07:00',
    '35.1353',
    '-106.584702',
    'o3',
    'ppm',
    '-999',
  ],
];

async function parse(text: string | Uint8Array, options: { gzip?: boolean } = {}) {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return parseObject(
    options.gzip === false ? bytes : gzipSync(bytes),
    {
      key: KEY,
      fetchedAt: LAST_MODIFIED,
      archiveDay: DAY,
      etag: '"abc"',
    },
    DAY,
    LIMITS,
  );
}

describe('parsing an archive object', () => {
  it('reads the documented example file: 14 records of sensor 3919, header not counted', async () => {
    const batch = await parse(openaqSampleText('archive/location-2178-20230222.csv.gz'));
    expect([batch.lines, batch.accepted, batch.rejected]).toEqual([14, 14, 0]);
    expect(batch.archive).toBe(true);
    expect(batch.etag).toBe('"abc"');
    expect(batch.fetchedAt).toBe(LAST_MODIFIED);
    expect([...batch.columns.minutes.subarray(0, batch.rows)]).toEqual(Array(14).fill(3919));
    expect(batch.columns.time[0]).toBe(Date.parse('2023-02-22T08:00:00Z'));
    expect(batch.stations.map((s) => [s.latKey, s.lngKey, s.location])).toEqual([
      ['35.1353', '-106.5847', 'Del Norte-2178'],
    ]);
  });

  it('reads both encodings, with or without a BOM, alike', async () => {
    const expected = await parse(plainCsv(ROWS));
    for (const text of [
      quotedCsv(ROWS),
      `\ufeff${plainCsv(ROWS)}`,
      `\ufeff${quotedCsv(ROWS)}\r\n`,
      `${plainCsv(ROWS)}\n\n \t\n`,
    ]) {
      const batch = await parse(text);
      expect([batch.lines, batch.accepted, batch.rejectedByReason]).toEqual([
        4,
        3,
        { 'sentinel-value': 1 },
      ]);
      expect(batch.columns.minutes.subarray(0, batch.rows)).toEqual(
        expected.columns.minutes.subarray(0, expected.rows),
      );
      expect(batch.columns.value.subarray(0, batch.rows)).toEqual(
        expected.columns.value.subarray(0, expected.rows),
      );
    }
  });

  it('keeps two sensors of one parameter apart: one row each', async () => {
    const batch = await parse(plainCsv(ROWS.slice(0, 2)));
    expect([...batch.columns.minutes.subarray(0, 2)]).toEqual([3919, 3920]);
    expect([...batch.columns.value.subarray(0, 2)]).toEqual([14, 15.5]);
  });

  it('reads a plain (not gzipped) object too', async () => {
    expect((await parse(plainCsv(ROWS), { gzip: false })).accepted).toBe(3);
  });

  it('numbers lines physically (the header is line 1) and keeps rejected lines', async () => {
    const batch = await parse(`${plainCsv(ROWS)}\n\n2178,1,"x,y`);
    const rejections = new TextDecoder().decode(batch.rejections.bytes()).split('\n');
    expect(rejections[0]).toMatch(/^5\tsentinel-value\t/);
    // Each rejection names its raw text by its SHA-256; the texts are kept apart, each once.
    expect(rejections[1]).toMatch(/^7\tbad-csv\tfield 3 has no closing quote\t\\\\x[0-9a-f]{64}$/);
    expect(batch.rejectedLines.text()).toMatch(/\t2178,1,"x,y\n$/);
  });

  it('rejects a line longer than 1 MiB as line-too-long, keeping 4 KB', async () => {
    const long = `2178,3919,${'x'.repeat(1_048_600)},2023-02-22T01:00:00Z,1,1,pm10,µg/m³,1`;
    const batch = await parse(`${plainCsv(ROWS)}\n${long}`);
    expect(batch.rejectedByReason['line-too-long']).toBe(1);
    const kept = batch.rejectedLines.text().split('\n').at(-2)?.split('\t')[1];
    expect(kept).toBe(long.slice(0, 4096));
  });

  it('fails the object when its header is not the documented one, or it is empty', async () => {
    await expect(parse(plainCsv(ROWS).replace('sensors_id', 'sensor_id'))).rejects.toThrow(
      /the header is not the archive's/,
    );
    await expect(parse('')).rejects.toThrow(/the object is empty/);
    await expect(parse('\ufeff\n')).rejects.toThrow(/the header is not the archive's/);
  });
});
