import { describe, expect, it } from 'vitest';
import { isBlank, splitLines } from '../../../actions/lib/openaq/lines.ts';
import { parseObjectName } from '../../../actions/lib/openaq/object-name.ts';
import { openObjectStream } from '../../../actions/lib/openaq/object-stream.ts';
import { evaluateLine } from '../../../actions/lib/openaq/rules.ts';
import type { Measurement } from '../../../actions/lib/openaq/types.ts';
import { openaqSampleStream, openaqSampleText } from '../../support/openaq-fixtures.ts';

/** What the pipeline makes of a sample file read as a bucket object would be. */
async function ingestFile(relative: string, key: string) {
  const reasons: Record<string, number> = {};
  const measurements: Measurement[] = [];
  const numbers: number[] = [];
  let lines = 0;
  const fetchedAt = parseObjectName(key)?.fetchedAt ?? Number.NaN;
  const body = openaqSampleStream(relative, 4096);
  for await (const batch of splitLines(openObjectStream(body, key))) {
    for (const line of batch) {
      if (isBlank(line.text)) continue;
      lines++;
      numbers.push(line.number);
      const outcome = evaluateLine(line, fetchedAt);
      if (outcome.kind === 'accepted') measurements.push(outcome.measurement);
      else reasons[outcome.reason] = (reasons[outcome.reason] ?? 0) + 1;
    }
  }
  return { lines, reasons, measurements, numbers };
}

interface RawRecord {
  parameter: string;
  value: number;
  unit: string;
  coordinates?: { latitude: unknown; longitude: unknown };
  averagingPeriod?: { value: number; unit: string };
}

/** The sample's records, parsed the simple way (every line of these files is valid JSON). */
function rawRecords(text: string): RawRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RawRecord);
}

const hasNumericCoordinates = (r: RawRecord) =>
  typeof r.coordinates?.latitude === 'number' && typeof r.coordinates?.longitude === 'number';

describe('the rules over real OpenAQ fetches', () => {
  // The samples are placed under fetch-time names, as a bucket would hold them.
  it('fetches/2018-06-07.ndjson (as realtime/2018-06-07/1528329600.ndjson): 5,885 accepted, 1,559 without coordinates', async () => {
    const text = openaqSampleText('fetches/2018-06-07.ndjson');
    const records = rawRecords(text);
    const result = await ingestFile(
      'fetches/2018-06-07.ndjson',
      'realtime/2018-06-07/1528329600.ndjson',
    );

    // Every line accounted for, numbered physically (the file has no final newline).
    expect(result.lines).toBe(7444);
    expect(result.numbers).toEqual(Array.from({ length: 7444 }, (_, i) => i + 1));

    // Independent re-derivation: the only problem of this fetch is missing coordinates (README: 1,559).
    const withCoordinates = records.filter(hasNumericCoordinates);
    expect(records.length - withCoordinates.length).toBe(1559);
    expect(result.reasons).toEqual({ 'no-coordinates': 1559 });
    expect(result.measurements).toHaveLength(withCoordinates.length);

    // Negative values are kept and flagged (README: 347 in the file, some without coordinates).
    expect(records.filter((r) => r.value < 0)).toHaveLength(347);
    const flagged = result.measurements.filter((m) => m.flags === 1).length;
    expect(flagged).toBe(withCoordinates.filter((r) => r.value < 0).length);

    // Averaging: 0.25 h → 15, 1 h → 60, 24 h → 1440, missing → 60.
    const minutesOf = (r: RawRecord) =>
      r.averagingPeriod === undefined
        ? 60
        : r.averagingPeriod.value * (r.averagingPeriod.unit === 'hours' ? 60 : 1);
    const histogram = (minutes: number[]) => {
      const counts = new Map<number, number>();
      for (const m of minutes) counts.set(m, (counts.get(m) ?? 0) + 1);
      return counts;
    };
    expect(histogram(result.measurements.map((m) => m.averagingMinutes))).toEqual(
      histogram(withCoordinates.map(minutesOf)),
    );
    expect(histogram(result.measurements.map((m) => m.averagingMinutes))).toEqual(
      new Map([
        [15, 5711],
        [60, 164],
        [1440, 10],
      ]),
    );

    // Units: ppm becomes ppb, µg/m³ of a gas becomes ppb by its molar mass, particles stay µg/m³.
    withCoordinates.forEach((r, i) => {
      const m = result.measurements[i]!;
      if (r.unit === 'ppm') expect(m.value).toBeCloseTo(r.value * 1000, 9);
      else if (r.parameter === 'pm25' || r.parameter === 'pm10') expect(m.value).toBe(r.value);
      else if (r.parameter === 'co') expect(m.value).toBeCloseTo((r.value * 24.45) / 28.01, 9);
    });

    // Stations: README counts 96 distinct coordinates; none of them merge when rounded to 4 decimals.
    const keys = new Set(result.measurements.map((m) => `${m.latKey},${m.lngKey}`));
    const coordinates = new Set(result.measurements.map((m) => `${m.lat},${m.lng}`));
    expect(coordinates.size).toBe(96);
    expect(keys.size).toBe(96);
  });

  it('fetches/2014-03-30.ndjson.gz (as realtime-gzipped/2014-03-30/1396224000.ndjson.gz): 64 pm2p5 records of 4 sites', async () => {
    const records = rawRecords(openaqSampleText('fetches/2014-03-30.ndjson.gz'));
    const result = await ingestFile(
      'fetches/2014-03-30.ndjson.gz',
      'realtime-gzipped/2014-03-30/1396224000.ndjson.gz',
    );
    expect(records).toHaveLength(64);
    expect(result.lines).toBe(64);
    expect(result.reasons).toEqual({});
    expect(new Set(result.measurements.map((m) => m.variable))).toEqual(new Set(['pm2p5']));
    expect(new Set(result.measurements.map((m) => `${m.latKey},${m.lngKey}`))).toEqual(
      new Set(['40.01,116.333', '14.635,121.08', '8.484,4.675', '-6.888,107.61']),
    );
    expect(result.measurements.map((m) => m.value)).toEqual(records.map((r) => r.value));
  });

  it('fetches/no-coordinates.ndjson: 12 Stockholm records without coordinates, 3 Ulaanbaatar records accepted', async () => {
    const result = await ingestFile(
      'fetches/no-coordinates.ndjson',
      'realtime/2018-06-07/1528329600_series.ndjson',
    );
    expect(result.lines).toBe(15);
    expect(result.reasons).toEqual({ 'no-coordinates': 12 });
    expect(result.measurements.map((m) => m.country)).toEqual(['MN', 'MN', 'MN']);
    expect(new Set(result.measurements.map((m) => `${m.latKey},${m.lngKey}`))).toEqual(
      new Set(['47.8639,106.7791', '47.9225,106.7948', '47.9154,106.8942']),
    );
  });
});
