import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { evaluateLine } from '../../../actions/lib/openaq/rules.ts';
import { roundHalfAwayFromZero4 } from '../../../actions/lib/openaq/station-key.ts';
import { type Measurement, REJECT_REASONS } from '../../../actions/lib/openaq/types.ts';
import {
  ASCII_MICRO_STATION_SHARE,
  BAD_AVERAGING_STATION_SHARE,
  BAD_DATE_RATE,
  BAD_VALUE_RATE,
  DUPLICATE_LINE_RATE,
  EMPTY_LOCATION_STATION_SHARE,
  estimateRecords,
  FINAL_NEWLINE_OBJECT_RATE,
  fetchCount,
  fetchLines,
  fetchObjectText,
  fetchTimes,
  GAP_RATE,
  type GenerationProgress,
  GREEK_MU_STATION_SHARE,
  generateFetches,
  HOSTILE_NAME_STATION_SHARE,
  HOSTILE_NAMES,
  MALFORMED_LINE_RATE,
  MEAN_RECORDS_PER_STATION_PER_FETCH,
  NEGATIVE_VALUE_RATE,
  NO_COORDINATES_STATION_SHARE,
  objectKey,
  REVISION_RATE,
  ROUNDING_BOUNDARY_STATION_SHARE,
  recordsPerFetch,
  SENTINEL_VALUE_RATE,
  type StationFeature,
  type SyntheticSpec,
  stationCatalogue,
  stationsForRecords,
  TWIN_STATION_SHARE,
  UNSUPPORTED_PARAMETER_STATION_SHARE,
  UNSUPPORTED_UNIT_STATION_SHARE,
  validateSpec,
} from '../../../actions/lib/synthetic/index.ts';
import { defined } from '../../support/defined.ts';
import { openaqSampleText } from '../../support/openaq-fixtures.ts';
import { usageProblems } from '../../support/usage-problems.ts';

const HOUR_MS = 3_600_000;
const START = Date.UTC(2014, 0, 1);
/** The demo's data set: 10 days of 50 stations from 2014-01-01. */
const DEMO: SyntheticSpec = { start: START, days: 10, stations: 50, seed: 1 };

type JsonRecord = Record<string, unknown>;

function parse(line: string): JsonRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as JsonRecord) : undefined;
  } catch {
    return undefined;
  }
}

function accepted(line: string, fetchedAt: number): Measurement | undefined {
  const outcome = evaluateLine({ number: 1, text: line, validUtf8: true }, fetchedAt);
  return outcome.kind === 'accepted' ? outcome.measurement : undefined;
}

/** A line without its value: identifies a measurement (series and time) across fetches. */
function measurementKey(line: string): string {
  return line.replace(/"value":[^,]*,/, '');
}

function share(count: number, total: number): number {
  return count / total;
}

/** The data set's first fetch time. */
function firstFetch(spec: SyntheticSpec): number {
  const [fetchAt] = fetchTimes(spec);
  return defined(fetchAt, `a fetch in ${JSON.stringify(spec)}`);
}

/** The fetch times of a data set, by index. */
function fetchAtIndex(times: readonly number[], index: number): number {
  return defined(times[index], `fetch ${index} of ${times.length}`);
}

const problemsOf = usageProblems;

describe('fetch times and object keys', () => {
  it('makes one fetch per 10-minute interval, a whole second 0–299 s into it', () => {
    const times = [...fetchTimes({ ...DEMO, days: 1 })];
    expect(times).toHaveLength(144);
    times.forEach((time, i) => {
      const offset = time - (START + i * 600_000);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(300_000);
      expect(time % 1000).toBe(0);
    });
    expect(new Set(times.map((t) => t % 600_000)).size).toBeGreaterThan(50);
  });

  it('agrees between overlapping specs on the fetches they share', () => {
    const day = [...fetchTimes({ ...DEMO, days: 1 })];
    const afternoon = [...fetchTimes({ ...DEMO, start: START + 12 * HOUR_MS, days: 0.25 })];
    expect(afternoon).toEqual(day.slice(72, 108));
  });

  it('names each object by the Unix seconds of its fetch, under the UTC date of the fetch', () => {
    expect(objectKey(Date.UTC(2018, 5, 7, 0, 1, 30))).toBe(
      'realtime-gzipped/2018-06-07/1528329690.ndjson.gz',
    );
    expect(objectKey(Date.UTC(2014, 0, 1, 23, 59, 59))).toBe(
      'realtime-gzipped/2014-01-01/1388620799.ndjson.gz',
    );
    const aroundMidnight = { ...DEMO, start: Date.UTC(2014, 0, 1, 23), days: 2 / 24 };
    const folders = new Set<string>();
    for (const fetchAt of fetchTimes(aroundMidnight)) {
      const match = /^realtime-gzipped\/(\d{4}-\d{2}-\d{2})\/((\d+)(_[^/]*)?\.ndjson(\.gz)?)$/.exec(
        objectKey(fetchAt),
      );
      const [, folder, , seconds] = defined(match, `a key in the layout: ${objectKey(fetchAt)}`);
      expect(folder).toBe(new Date(fetchAt).toISOString().slice(0, 10));
      expect(Number(seconds) * 1000).toBe(fetchAt);
      folders.add(defined(folder, 'the date folder'));
    }
    expect([...folders]).toEqual(['2014-01-01', '2014-01-02']);
  });

  it('rejects a bad spec with every problem at once', () => {
    const problems = problemsOf(() =>
      validateSpec({ start: START + 1, days: 0, stations: 0.5, seed: 1.5 }),
    );
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/start .* aligned to 10 minutes/);
    expect(problemsOf(() => fetchLines({ ...DEMO, days: 1 / 200 }, START))).toHaveLength(1);
    expect(problemsOf(() => validateSpec({ ...DEMO, days: 1 / 144 }))).toEqual([]);
    expect(fetchCount({ ...DEMO, days: 1 / 144 })).toBe(1);
  });
});

describe('determinism', () => {
  it('gives byte-identical objects for the same spec, and different ones for another seed', () => {
    const times = [...fetchTimes(DEMO)];
    for (const fetchAt of [0, 700, 1439].map((i) => fetchAtIndex(times, i))) {
      const text = fetchObjectText(DEMO, fetchAt);
      expect(fetchObjectText({ ...DEMO }, fetchAt)).toBe(text);
      expect(fetchObjectText({ ...DEMO, seed: 2 }, fetchAt)).not.toBe(text);
    }
  });

  it('computes a fetch the same whether or not earlier fetches were generated', () => {
    const spec = { ...DEMO, days: 1, seed: 11 };
    const times = [...fetchTimes(spec)];
    const direct = fetchObjectText(spec, fetchAtIndex(times, 100));
    for (const fetchAt of times.slice(0, 100)) fetchLines(spec, fetchAt);
    expect(fetchObjectText(spec, fetchAtIndex(times, 100))).toBe(direct);
    // Other data sets in between (which evict memoised catalogues) change nothing either.
    for (let seed = 1000; seed < 1010; seed++)
      fetchLines({ ...spec, seed }, fetchAtIndex(times, 100));
    expect(fetchObjectText(spec, fetchAtIndex(times, 100))).toBe(direct);
  });
});

describe('records shaped like the real 2018-06-07 fetch', () => {
  let sample: JsonRecord[];
  let schema: { required: string[]; properties: JsonRecord };
  let synthetic: JsonRecord[];
  let syntheticFetch: number;

  beforeAll(async () => {
    const text = openaqSampleText('fetches/2018-06-07.ndjson');
    sample = text.split('\n').map((line) => JSON.parse(line) as JsonRecord);
    schema = JSON.parse(openaqSampleText('measurement-schema.json'));
    const spec = { ...DEMO, stations: 400, seed: 21 };
    syntheticFetch = firstFetch(spec);
    synthetic = fetchLines(spec, syntheticFetch)
      .map(parse)
      .filter((r) => r !== undefined);
  });

  it('uses the real keys in the real order', () => {
    const fullOrder = defined(
      sample.map((r) => Object.keys(r)).sort((a, b) => b.length - a.length)[0],
      'a sample record',
    );
    for (const record of synthetic) {
      const positions = Object.keys(record).map((key) => fullOrder.indexOf(key));
      // In the real order: every key is known, and each comes after the one before it.
      expect(positions.every((p, i) => p >= 0 && p > (positions[i - 1] ?? -1))).toBe(true);
      for (const key of schema.required) expect(record).toHaveProperty(key);
      expect(Object.keys(record.date as JsonRecord)).toEqual(['utc', 'local']);
    }
  });

  it('writes dates, source types and countries as the schema says, for every accepted record', () => {
    const date = (schema.properties.date as { properties: Record<string, { pattern: string }> })
      .properties;
    const utcPattern = new RegExp(`^${defined(date.utc, "the schema's date.utc").pattern}$`);
    const localPattern = new RegExp(`^${defined(date.local, "the schema's date.local").pattern}$`);
    const sourceTypes = (schema.properties.sourceType as { enum: string[] }).enum;
    let checked = 0;
    for (const record of synthetic) {
      if (accepted(JSON.stringify(record), syntheticFetch) === undefined) continue;
      const { utc, local } = record.date as { utc: string; local: string };
      expect(utc).toMatch(utcPattern);
      expect(local).toMatch(localPattern);
      // The local wall time is the UTC time shifted by the stated offset.
      const [, sign, hours, mins] = defined(
        /([+-])(\d{2}):(\d{2})$/.exec(local),
        `an offset in ${local}`,
      );
      const minutes = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(mins));
      expect(Date.parse(`${local.slice(0, 19)}Z`) - minutes * 60_000).toBe(Date.parse(utc));
      expect(sourceTypes).toContain(record.sourceType);
      expect(record.country).toMatch(/^[A-Z]{2}$/);
      expect(record.mobile).toBe(false);
      expect((record.attribution as { name: string }[]).every((a) => a.name.length > 0)).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(synthetic.length * 0.85);
  });

  it('has every averaging period form, unit and coordinate key order of the sample', () => {
    const forms = (records: JsonRecord[]) =>
      new Set(records.map((r) => JSON.stringify(r.averagingPeriod ?? null)));
    const units = (records: JsonRecord[]) => new Set(records.map((r) => r.unit));
    const coordinateOrders = (records: JsonRecord[]) =>
      new Set(records.map((r) => Object.keys((r.coordinates as JsonRecord) ?? {}).join()));
    for (const form of forms(sample)) expect(forms(synthetic)).toContain(form);
    for (const unit of units(sample)) expect(units(synthetic)).toContain(unit);
    for (const order of coordinateOrders(sample))
      expect(coordinateOrders(synthetic)).toContain(order);
    // Beyond the sample: ppb, the other µg/m³ spellings, minutes.
    for (const unit of ['ppb', 'ug/m3', 'μg/m³']) expect(units(synthetic)).toContain(unit);
    expect(forms(synthetic)).toContain('{"value":60,"unit":"minutes"}');
  });
});

describe('volume', () => {
  it('lists about the documented number of records per fetch', () => {
    const spec = { ...DEMO, days: 1 };
    const times = [...fetchTimes(spec)].filter((_, i) => i % 12 === 0);
    const mean = times.reduce((sum, t) => sum + fetchLines(spec, t).length, 0) / times.length;
    expect(Math.abs(mean / recordsPerFetch(spec) - 1)).toBeLessThan(0.03);
    expect(estimateRecords(spec)).toBe(Math.round(144 * recordsPerFetch(spec)));
  });

  it('keeps the demo at a few thousand records per fetch, and reaches a million a day on request', () => {
    const demo = recordsPerFetch(DEMO);
    expect(demo).toBeGreaterThan(1000);
    expect(demo).toBeLessThan(3000);
    const big = recordsPerFetch({ ...DEMO, stations: 4000, seed: 3 }) / 4000;
    expect(Math.abs(big / MEAN_RECORDS_PER_STATION_PER_FETCH - 1)).toBeLessThan(0.1);
    const stations = stationsForRecords(1_000_000, 1);
    const records = estimateRecords({ start: START, days: 1, stations, seed: 7 });
    expect(Math.abs(records / 1_000_000 - 1)).toBeLessThan(0.15);
  });
});

describe('repetition and revision across fetches', () => {
  const spec = { ...DEMO, stations: 60, days: 0.5, seed: 5 };
  const byFetch: string[][] = [];
  beforeAll(() => {
    for (const fetchAt of fetchTimes(spec)) byFetch.push(fetchLines(spec, fetchAt));
  });

  it('repeats most of the previous fetch verbatim (the duplicates ingest must resolve)', () => {
    for (let i = 1; i < byFetch.length; i += 7) {
      const previous = new Set(byFetch[i - 1]);
      const fetch = defined(byFetch[i], `fetch ${i}`);
      const repeated = fetch.filter((line) => previous.has(line)).length;
      expect(share(repeated, fetch.length)).toBeGreaterThan(0.7);
    }
  });

  it('keeps a measurement’s value until it is revised, after which later fetches carry the revision', () => {
    const values = new Map<string, string[]>();
    for (const lines of byFetch) {
      const seen = new Set<string>();
      for (const line of lines) {
        if (parse(line) === undefined) continue; // malformed: not a measurement
        const key = measurementKey(line);
        if (seen.has(key)) continue; // the same line twice in one fetch
        seen.add(key);
        const value = defined(/"value":([^,]*),/.exec(line)?.[1], `a value in ${line}`);
        const list = values.get(key);
        if (list === undefined) values.set(key, [value]);
        else list.push(value);
      }
    }
    let revised = 0;
    for (const list of values.values()) {
      const changes = list.filter((v, i) => i > 0 && v !== list[i - 1]).length;
      expect(changes).toBeLessThanOrEqual(1);
      if (changes === 1) {
        revised++;
        const before = Number(list[0]);
        const after = Number(list.at(-1));
        expect(after).not.toBe(before);
        expect(Math.abs(after - before)).toBeLessThanOrEqual(0.15 * Math.abs(before) + 0.01);
      }
    }
    // Measurements still listed at the end may not have reached their revision time yet.
    expect(revised).toBeGreaterThan(0);
    expect(share(revised, values.size)).toBeGreaterThan(0.3 * REVISION_RATE);
    expect(share(revised, values.size)).toBeLessThan(1.5 * REVISION_RATE);
  });
});

describe('quirks at their documented rates', () => {
  const catalogue = stationCatalogue(9, 2000);
  const withFeature = (feature: StationFeature) =>
    catalogue.filter((s) => s.features.includes(feature));

  it('gives each station-level quirk to round(share × stations) stations', () => {
    const shares: [StationFeature, number][] = [
      ['no-coordinates', NO_COORDINATES_STATION_SHARE],
      ['twin', TWIN_STATION_SHARE],
      ['twin-partner', TWIN_STATION_SHARE],
      ['rounding-boundary', ROUNDING_BOUNDARY_STATION_SHARE],
      ['unsupported-parameter', UNSUPPORTED_PARAMETER_STATION_SHARE],
      ['unsupported-unit', UNSUPPORTED_UNIT_STATION_SHARE],
      ['bad-averaging', BAD_AVERAGING_STATION_SHARE],
      ['empty-location', EMPTY_LOCATION_STATION_SHARE],
      ['hostile-name', HOSTILE_NAME_STATION_SHARE],
      ['ascii-micro', ASCII_MICRO_STATION_SHARE],
      ['greek-mu', GREEK_MU_STATION_SHARE],
    ];
    for (const [feature, rate] of shares) {
      expect(withFeature(feature), feature).toHaveLength(Math.round(rate * 2000));
    }
  });

  it('writes missing coordinates in each of the ways real records did', () => {
    const forms = new Set(
      withFeature('no-coordinates').map((s) => {
        const json = s.coordinatesJson;
        if (json === undefined || json === 'null' || json === '{"latitude":0,"longitude":0}') {
          return String(json);
        }
        expect(json).toMatch(/^\{"latitude":"-?[\d.]+","longitude":"-?[\d.]+"\}$/);
        return 'strings';
      }),
    );
    expect(forms).toEqual(
      new Set(['undefined', 'null', '{"latitude":0,"longitude":0}', 'strings']),
    );
  });

  it('makes twins: another name at the same 4-decimal station key, same or more precise coordinates', () => {
    let identical = 0;
    let differing = 0;
    for (const twin of withFeature('twin')) {
      const partner = defined(catalogue[defined(twin.twinOf, 'a twin partner')], 'the partner');
      expect(partner.features).toContain('twin-partner');
      expect(roundHalfAwayFromZero4(twin.lat)).toBe(roundHalfAwayFromZero4(partner.lat));
      expect(roundHalfAwayFromZero4(twin.lng)).toBe(roundHalfAwayFromZero4(partner.lng));
      expect(twin.location).not.toBe(partner.location);
      if (twin.lat === partner.lat && twin.lng === partner.lng) identical++;
      else differing++;
    }
    expect(identical).toBeGreaterThan(0);
    expect(differing).toBeGreaterThan(0);
  });

  it('writes coordinates with 2 to 12 decimals, some exactly half-way between two station keys', () => {
    const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;
    const ordinary = catalogue.filter((s) => s.features.length === 0);
    const counts = ordinary.map((s) => decimals(s.lat));
    expect(Math.min(...counts)).toBeLessThanOrEqual(3);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(11);
    expect(share(counts.filter((d) => d > 4).length, counts.length)).toBeGreaterThan(0.5);
    for (const station of withFeature('rounding-boundary')) {
      expect(String(station.lat)).toMatch(/^-?\d+\.\d{4}5$/);
      expect(String(station.lng)).toMatch(/^-?\d+\.\d{4}5$/);
    }
  });

  it('hands out the nastiest names first, so that even the 50-station demo has them', () => {
    for (const seed of [1, 2]) {
      const demo = stationCatalogue(seed, 50);
      const names = demo.map((s) => s.location);
      for (const name of HOSTILE_NAMES.slice(0, 4)) expect(names).toContain(name);
      expect(names).toContain("O'Brien; DROP TABLE x;--");
      expect(demo.some((s) => s.twinOf !== undefined)).toBe(true);
      expect(demo.some((s) => s.features.includes('no-coordinates'))).toBe(true);
      // Control characters in names are escaped: a record never spans two lines.
      const lines = fetchLines({ ...DEMO, seed }, firstFetch({ ...DEMO, seed }));
      expect(lines.some((line) => line.includes('Tab\\tand\\nnewline \\\\N'))).toBe(true);
      expect(lines.every((line) => !/[\n\r]/.test(line))).toBe(true);
    }
  });

  it('spells µg/m³ as the station does', () => {
    const units = (feature: StationFeature) =>
      new Set(withFeature(feature).flatMap((s) => s.series.map((series) => series.unit)));
    expect(units('ascii-micro')).toContain('ug/m3');
    expect(units('ascii-micro')).not.toContain('µg/m³');
    expect(units('greek-mu')).toContain('μg/m³');
    expect(units('greek-mu')).not.toContain('µg/m³');
  });

  it('shows record-level quirks at their documented rates in one large fetch', () => {
    const spec = { start: START, days: 1, stations: 4000, seed: 13 };
    const fetchAt = firstFetch(spec);
    const lines = fetchLines(spec, fetchAt);
    let malformed = 0;
    let duplicates = 0;
    let badDates = 0;
    let sentinels = 0;
    let negatives = 0;
    let badValues = 0;
    let withoutCoordinates = 0;
    lines.forEach((line, i) => {
      if (i > 0 && line === lines[i - 1]) duplicates++;
      const record = parse(line);
      if (record === undefined) {
        malformed++;
        return;
      }
      const outcome = evaluateLine({ number: i + 1, text: line, validUtf8: true }, fetchAt);
      // A synthetic bad date is malformed, or valid and far after the fetch.
      if (outcome.kind === 'rejected' && /^(bad|future)-date$/.test(outcome.reason)) badDates++;
      const value = record.value;
      if (typeof value !== 'number') badValues++;
      else if (value <= -999) sentinels++;
      else if (value < 0) negatives++;
      const c = record.coordinates as JsonRecord | null | undefined;
      if (typeof c?.latitude !== 'number' || (c.latitude === 0 && c.longitude === 0)) {
        withoutCoordinates++;
      }
    });
    const records = lines.length;
    const measurements = records - duplicates;
    const slots = catalogueSlots(spec);
    // Kinds are drawn together with gaps: among the measurements that exist, a rate is rate / (1 - gaps).
    const present = (rate: number) => rate / (1 - GAP_RATE);
    const near = (observed: number, expected: number, tolerance: number) =>
      expect(Math.abs(observed / expected - 1)).toBeLessThan(tolerance);
    near(measurements / slots, 1 - GAP_RATE, 0.005);
    near(share(duplicates, records), DUPLICATE_LINE_RATE, 0.3);
    near(share(malformed, records), MALFORMED_LINE_RATE, 0.45);
    near(share(badDates, measurements), present(BAD_DATE_RATE), 0.3);
    near(share(badValues, measurements), present(BAD_VALUE_RATE), 0.3);
    near(share(sentinels, measurements), present(SENTINEL_VALUE_RATE), 0.2);
    near(share(negatives, measurements), present(NEGATIVE_VALUE_RATE), 0.1);
    // "A few percent" of records lack usable coordinates (it depends on those stations' series).
    expect(share(withoutCoordinates, records)).toBeGreaterThan(0.01);
    expect(share(withoutCoordinates, records)).toBeLessThan(0.06);
  });

  it('ends about half the objects with a newline and puts a blank line into a few', () => {
    const spec = { start: START, days: 2, stations: 3, seed: 17 };
    const texts = [...fetchTimes(spec)].map((t) => fetchObjectText(spec, t));
    const finalNewlines = texts.filter((t) => t.endsWith('\n')).length;
    const blanks = texts.filter((t) => t.includes('\n\n')).length;
    expect(Math.abs(share(finalNewlines, texts.length) - FINAL_NEWLINE_OBJECT_RATE)).toBeLessThan(
      0.12,
    );
    expect(blanks).toBeGreaterThan(3);
    expect(blanks).toBeLessThan(30);
    // Blank lines are not records: fetchLines has none.
    expect(fetchLines(spec, firstFetch(spec)).every((line) => line.length > 0)).toBe(true);
  });
});

/** Σ windowSlots over a catalogue: the formula's number of (series, slot) places per fetch. */
function catalogueSlots(spec: SyntheticSpec): number {
  let slots = 0;
  for (const station of stationCatalogue(spec.seed, spec.stations)) {
    for (const series of station.series) slots += series.windowSlots;
  }
  return slots;
}

describe('the rules over a generated day', () => {
  it('accept most records and reject for every documented reason, and only those', () => {
    const spec = { start: Date.UTC(2014, 6, 1), days: 1, stations: 60, seed: 4 };
    const reasons = new Map<string, number>();
    let lines = 0;
    let acceptedCount = 0;
    let negative = 0;
    for (const fetchAt of fetchTimes(spec)) {
      for (const line of fetchLines(spec, fetchAt)) {
        lines++;
        const outcome = evaluateLine({ number: lines, text: line, validUtf8: true }, fetchAt);
        if (outcome.kind === 'accepted') {
          acceptedCount++;
          if (outcome.measurement.flags === 1) negative++;
        } else {
          reasons.set(outcome.reason, (reasons.get(outcome.reason) ?? 0) + 1);
        }
      }
    }
    expect(new Set(reasons.keys())).toEqual(new Set(REJECT_REASONS));
    expect(share(acceptedCount, lines)).toBeGreaterThan(0.85);
    expect(share(reasons.get('no-coordinates') ?? 0, lines)).toBeLessThan(0.08);
    expect(share(negative, acceptedCount)).toBeGreaterThan(0.5 * NEGATIVE_VALUE_RATE);
    expect(share(negative, acceptedCount)).toBeLessThan(2 * NEGATIVE_VALUE_RATE);
  });
});

describe('values', () => {
  /** Distinct accepted measurements of some fetches, by station key and time. */
  function measurements(spec: SyntheticSpec, every: number): Map<string, Measurement> {
    const found = new Map<string, Measurement>();
    [...fetchTimes(spec)].forEach((fetchAt, i) => {
      if (i % every !== 0) return;
      for (const line of fetchLines(spec, fetchAt)) {
        const m = accepted(line, fetchAt);
        if (m === undefined || m.flags !== 0) continue;
        found.set(`${m.latKey},${m.lngKey},${m.variable},${m.averagingMinutes},${m.time}`, m);
      }
    });
    return found;
  }

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

  it('peaks ozone in the afternoon and bottoms it out at night, in local solar time', () => {
    const spec = { start: Date.UTC(2014, 3, 1), days: 3, stations: 40, seed: 8 };
    const byStation = new Map<string, { afternoon: number[]; night: number[] }>();
    for (const m of measurements(spec, 3).values()) {
      if (m.variable !== 'o3' || m.averagingMinutes > 60) continue;
      const solar = (((m.time / HOUR_MS + m.lng / 15) % 24) + 24) % 24;
      const key = `${m.latKey},${m.lngKey}`;
      const hours = byStation.get(key) ?? { afternoon: [], night: [] };
      byStation.set(key, hours);
      if (solar >= 12 && solar < 18) hours.afternoon.push(m.value);
      if (solar < 6) hours.night.push(m.value);
    }
    const differences = [...byStation.values()]
      .filter((h) => h.afternoon.length >= 6 && h.night.length >= 6)
      .map((h) => mean(h.afternoon) - mean(h.night));
    expect(differences.length).toBeGreaterThan(10);
    expect(share(differences.filter((d) => d > 0).length, differences.length)).toBeGreaterThan(0.9);
    expect(mean(differences)).toBeGreaterThan(5);
  });

  it('raises ozone in the summer of each hemisphere', () => {
    const january = measurements(
      { start: Date.UTC(2014, 0, 1), days: 3, stations: 80, seed: 6 },
      36,
    );
    const july = measurements({ start: Date.UTC(2014, 6, 1), days: 3, stations: 80, seed: 6 }, 36);
    const ozone = (found: Map<string, Measurement>, north: boolean) =>
      mean(
        [...found.values()]
          .filter((m) => m.variable === 'o3' && (north ? m.lat > 30 : m.lat < -20))
          .map((m) => m.value),
      );
    expect(ozone(july, true)).toBeGreaterThan(ozone(january, true) + 5);
    expect(ozone(january, false)).toBeGreaterThan(ozone(july, false) + 3);
  });

  it('keeps every pollutant in a plausible range once converted to TOAR units', () => {
    const found = [
      ...measurements(
        { start: Date.UTC(2014, 0, 1), days: 1, stations: 300, seed: 2 },
        36,
      ).values(),
    ];
    const ranges: Record<string, [number, number]> = {
      o3: [0, 150],
      no2: [0, 300],
      so2: [0, 200],
      co: [0, 6000],
      pm2p5: [0, 1000],
      pm10: [0, 2000],
      bc: [0, 100],
    };
    for (const [variable, [low, high]] of Object.entries(ranges)) {
      const values = found.filter((m) => m.variable === variable).map((m) => m.value);
      expect(values.length, variable).toBeGreaterThan(20);
      expect(Math.min(...values), variable).toBeGreaterThanOrEqual(low);
      expect(Math.max(...values), variable).toBeLessThan(high);
    }
    const o3 = found
      .filter((m) => m.variable === 'o3')
      .map((m) => m.value)
      .sort((a, b) => a - b);
    expect(o3[Math.floor(o3.length / 2)]).toBeGreaterThan(10);
    expect(o3[Math.floor(o3.length / 2)]).toBeLessThan(60);
  });
});

describe('generateFetches', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'freshet-synthetic-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  async function filesUnder(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
  }

  // Crosses midnight: two date folders.
  const spec = { start: Date.UTC(2014, 0, 1, 23, 30), days: 1 / 24, stations: 20, seed: 3 };

  it('writes one gzip object per fetch at its key, holding exactly the fetch’s text', async () => {
    const progress: GenerationProgress[] = [];
    const result = await generateFetches({ ...spec, outDir: out }, (p) => progress.push(p));
    const times = [...fetchTimes(spec)];
    const keys = times.map(objectKey);
    expect(result.dir).toBe(join(out, 'realtime-gzipped'));
    expect(await filesUnder(out)).toEqual([...keys].sort());
    expect(new Set(keys.map((k) => k.split('/')[1]))).toEqual(
      new Set(['2014-01-01', '2014-01-02']),
    );
    let records = 0;
    let bytes = 0;
    for (const [i, key] of keys.entries()) {
      const compressed = await readFile(join(out, key));
      bytes += (await stat(join(out, key))).size;
      const fetchAt = fetchAtIndex(times, i);
      expect(gunzipSync(compressed).toString('utf8')).toBe(fetchObjectText(spec, fetchAt));
      records += fetchLines(spec, fetchAt).length;
    }
    expect(result).toEqual({ objects: 6, records, bytes, dir: join(out, 'realtime-gzipped') });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.every((p) => p.total === 6)).toBe(true);
    expect(new Set(progress.map((p) => p.label))).toEqual(new Set(keys));
  });

  it('replaces the objects of an earlier run in place', async () => {
    const before = await filesUnder(out);
    const again = await generateFetches({ ...spec, outDir: out, concurrency: 1 });
    expect(await filesUnder(out)).toEqual(before);
    expect(again.objects).toBe(6);
  });

  it('rejects a bad spec before writing anything', async () => {
    const elsewhere = join(out, 'never');
    await expect(
      generateFetches({ ...spec, stations: 0, outDir: elsewhere }),
    ).rejects.toBeInstanceOf(UsageError);
    expect(existsSync(elsewhere)).toBe(false);
  });
});
