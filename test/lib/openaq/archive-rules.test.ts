// DESIGN.md's "OpenAQ archive record → TOAR rows" table, row by row, against hand-written lines
// shaped like the documented example file (docs.openaq.org/aws/about: Del Norte-2178, sensor 3919).
import { describe, expect, it } from 'vitest';
import { parseArchiveDateTime } from '../../../actions/lib/openaq/archive-datetime.ts';
import {
  ARCHIVE_HEADER,
  checkArchiveHeader,
  evaluateArchiveLine,
  isBlankArchiveLine,
} from '../../../actions/lib/openaq/archive-rules.ts';
import { splitCsvLine } from '../../../actions/lib/openaq/csv-line.ts';
import type {
  ArchiveLineOutcome,
  ArchiveMeasurement,
  RejectReason,
} from '../../../actions/lib/openaq/types.ts';

const KEY = 'locationid=2178/year=2023/month=02/location-2178-20230222.csv.gz';
const DAY = Date.parse('2023-02-22T00:00:00Z');

const FIELDS = {
  location_id: '2178',
  sensors_id: '3919',
  location: 'Del Norte-2178',
  datetime: '2023-02-22T01:00:00-07:00',
  lat: '35.1353',
  lon: '-106.584702',
  parameter: 'pm10',
  units: 'µg/m³',
  value: '14.0',
};
type Field = keyof typeof FIELDS;

/** The example record with some fields replaced, as an unquoted CSV line. */
function line(changes: Partial<Record<Field, string>> = {}): string {
  const fields = { ...FIELDS, ...changes };
  return ARCHIVE_HEADER.map((name) => fields[name]).join(',');
}

function evaluate(text: string, options: { validUtf8?: boolean } = {}): ArchiveLineOutcome {
  return evaluateArchiveLine({ number: 2, text, validUtf8: options.validUtf8 ?? true }, DAY);
}

function accepted(text: string): ArchiveMeasurement {
  const outcome = evaluate(text);
  if (outcome.kind !== 'accepted')
    throw new Error(`rejected: ${outcome.reason} ${outcome.message}`);
  return outcome.measurement;
}

function reason(text: string): RejectReason | 'accepted' {
  const outcome = evaluate(text);
  return outcome.kind === 'accepted' ? 'accepted' : outcome.reason;
}

describe('archive rule "header"', () => {
  it('takes the nine documented names, each optionally double-quoted', () => {
    expect(() => checkArchiveHeader(ARCHIVE_HEADER.join(','), KEY)).not.toThrow();
    const quoted = ARCHIVE_HEADER.map((n) => `"${n}"`).join(',');
    expect(() => checkArchiveHeader(quoted, KEY)).not.toThrow();
    const some = ARCHIVE_HEADER.map((n, i) => (i % 2 ? `"${n}"` : n)).join(',');
    expect(() => checkArchiveHeader(some, KEY)).not.toThrow();
  });

  it.each([
    [
      'the docs\u2019 column table',
      'location_id,sensor_id,location,datetime,lat,lon,parameter,unit,value',
    ],
    ['two more columns', `${ARCHIVE_HEADER.join(',')},summary,coverage`],
    ['another order', 'sensors_id,location_id,location,datetime,lat,lon,parameter,units,value'],
    ['upper case', ARCHIVE_HEADER.join(',').toUpperCase()],
    ['a record first', line()],
    ['a blank first line', ''],
  ])('fails the object, naming it, for %s', (_what, header) => {
    expect(() => checkArchiveHeader(header, KEY)).toThrow(
      /location-2178-20230222\.csv\.gz: the header is not the archive's/,
    );
  });

  it('fails an empty object', () => {
    expect(() => checkArchiveHeader(undefined, KEY)).toThrow(/the object is empty/);
  });
});

describe('archive rule "parse"', () => {
  it('reads fields per RFC 4180: quoted with "" for a quote, commas inside quotes', () => {
    expect(splitCsvLine('a,"b, ""c""",,""')).toEqual(['a', 'b, "c"', '', '']);
    const m = accepted(line({ location: '"Del Norte, ""NM"" 2178"' }));
    expect(m.location).toBe('Del Norte, "NM" 2178');
    const allQuoted = ARCHIVE_HEADER.map((n) => `"${FIELDS[n]}"`).join(',');
    expect(accepted(allQuoted)).toEqual(accepted(line()));
  });

  it.each([
    ['a quote inside an unquoted field', line({ location: 'Del "Norte"' })],
    ['text after a closing quote', line({ location: '"Del"Norte' })],
    ['a quote never closed', line({ location: '"Del Norte' })],
    ['eight fields', line().split(',').slice(0, 8).join(',')],
    ['ten fields', `${line()},x`],
    ['location_id 0', line({ location_id: '0' })],
    ['location_id with a leading zero', line({ location_id: '02178' })],
    ['location_id negative', line({ location_id: '-2178' })],
    ['location_id with a space', line({ location_id: ' 2178' })],
    ['location_id in Arabic-Indic digits', line({ location_id: '٢١٧٨' })],
    ['sensors_id empty', line({ sensors_id: '' })],
    ['sensors_id a decimal', line({ sensors_id: '3919.0' })],
    ['sensors_id beyond 2^53', line({ sensors_id: '9007199254740993' })],
    ['a lone carriage return', '\r'],
  ])('rejects %s as bad-csv', (_what, text) => {
    expect(reason(text)).toBe('bad-csv');
  });

  it('rejects a line that is not valid UTF-8 as bad-csv', () => {
    expect(evaluate(line(), { validUtf8: false })).toEqual({
      kind: 'rejected',
      reason: 'bad-csv',
      message: 'line is not valid UTF-8',
    });
  });

  it('takes lines of only spaces and tabs for no record', () => {
    expect(isBlankArchiveLine('')).toBe(true);
    expect(isBlankArchiveLine(' \t ')).toBe(true);
    expect(isBlankArchiveLine('\u00a0')).toBe(false);
  });
});

describe('archive rule "time"', () => {
  it('reads local date-times with offsets, with T or one space, into UTC', () => {
    expect(accepted(line()).time).toBe(Date.parse('2023-02-22T08:00:00Z'));
    expect(accepted(line({ datetime: '2023-02-22 01:00:00-07:00' })).time).toBe(
      Date.parse('2023-02-22T08:00:00Z'),
    );
    expect(accepted(line({ datetime: '2023-02-22T01:00:00Z' })).time).toBe(
      Date.parse('2023-02-22T01:00:00Z'),
    );
    expect(parseArchiveDateTime('2023-02-22T01:00:00.5+05:30')).toBe(
      Date.parse('2023-02-21T19:30:00.500Z'),
    );
    expect(parseArchiveDateTime('2023-02-22T01:00:00.123456Z')).toBe(
      Date.parse('2023-02-22T01:00:00.123Z'),
    );
  });

  it.each([
    ['no offset', '2023-02-22T01:00:00'],
    ['an offset without minutes', '2023-02-22 01:00:00+00'],
    ['a lower-case z', '2023-02-22T01:00:00z'],
    ['a lower-case t', '2023-02-22t01:00:00Z'],
    ['two spaces', '2023-02-22  01:00:00Z'],
    ['seven fraction digits', '2023-02-22T01:00:00.1234567Z'],
    ['an empty fraction', '2023-02-22T01:00:00.Z'],
    ['offset hour 24', '2023-02-22T01:00:00+24:00'],
    ['offset minute 60', '2023-02-22T01:00:00+05:60'],
    ['29 February of a common year', '2023-02-29T01:00:00Z'],
    ['hour 24', '2023-02-22T24:00:00Z'],
    ['a leap second', '2023-02-22T23:59:60Z'],
    ['a date alone', '2023-02-22'],
    ['Arabic-Indic digits', '٢٠٢٣-02-22T01:00:00Z'],
    ['year 0000', '0000-01-01T00:00:00Z'],
  ])('rejects %s as bad-date', (_what, datetime) => {
    expect(reason(line({ datetime }))).toBe('bad-date');
  });

  it('rejects future-date past 00:00 UTC three days after the key\u2019s date, not at it', () => {
    expect(reason(line({ datetime: '2023-02-25T00:00:00Z' }))).toBe('accepted');
    expect(reason(line({ datetime: '2023-02-25T00:00:00.001Z' }))).toBe('future-date');
    expect(reason(line({ datetime: '2023-02-24T18:00:00-07:00' }))).toBe('future-date');
  });
});

describe('archive rule "parameter"', () => {
  it('maps OpenAQ parameters as for real-time records', () => {
    expect(accepted(line({ parameter: 'pm25' })).variable).toBe('pm2p5');
    expect(accepted(line({ parameter: 'o3', units: 'ppm', value: '0.04' })).variable).toBe('o3');
    expect(reason(line({ parameter: 'PM10' }))).toBe('unsupported-parameter');
    expect(reason(line({ parameter: 'temperature', units: 'c' }))).toBe('unsupported-parameter');
  });
});

describe('archive rule "coordinates"', () => {
  it.each([
    ['empty', { lat: '' }],
    ['not a number', { lat: 'north' }],
    ['with a space', { lon: ' -106.58' }],
    ['hexadecimal', { lat: '0x10' }],
    ['infinite', { lat: '1e400' }],
    ['beyond 90', { lat: '90.0001' }],
    ['beyond 180', { lon: '-180.5' }],
    ['exactly (0, 0)', { lat: '0.0', lon: '-0' }],
  ])('rejects coordinates %s as no-coordinates', (_what, changes) => {
    expect(reason(line(changes))).toBe('no-coordinates');
  });

  it('takes every decimal form of the grammar, and keys stations by 4 decimals', () => {
    expect(accepted(line({ lat: '+35.13534', lon: '-106.58475' }))).toMatchObject({
      latKey: '35.1353',
      lngKey: '-106.5848',
    });
    expect(accepted(line({ lat: '.5', lon: '35.' }))).toMatchObject({
      latKey: '0.5',
      lngKey: '35',
    });
    expect(accepted(line({ lat: '3.51353e1' })).lat).toBe(35.1353);
    expect(accepted(line({ lat: '0', lon: '10' })).latKey).toBe('0');
  });

  it('gives a mobile location its coordinates per row', () => {
    const first = accepted(line({ lat: '35.1353', lon: '-106.5847' }));
    const second = accepted(line({ lat: '35.2001', lon: '-106.6' }));
    expect([first.latKey, first.lngKey]).toEqual(['35.1353', '-106.5847']);
    expect([second.latKey, second.lngKey]).toEqual(['35.2001', '-106.6']);
  });
});

describe('archive rule "unit"', () => {
  it('uses the real-time unit table (the archive writes µg/m³ with U+00B3)', () => {
    expect(accepted(line({ units: 'µg/m³' })).value).toBe(14);
    expect(accepted(line({ units: 'ug/m3' })).value).toBe(14);
    expect(accepted(line({ parameter: 'o3', units: 'ppm', value: '0.04' })).value).toBe(40);
    expect(accepted(line({ parameter: 'no2', units: 'ppb', value: '12' })).value).toBe(12);
    const o3 = accepted(line({ parameter: 'o3', units: 'µg/m³', value: '96' })).value;
    expect(o3).toBeCloseTo((96 * 24.45) / 48, 12);
    expect(reason(line({ units: 'ppm' }))).toBe('unsupported-unit');
    expect(reason(line({ units: 'µg/m3 ' }))).toBe('unsupported-unit');
  });
});

describe('archive rule "value"', () => {
  it.each([
    ['empty', ''],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['overflowing', '1e400'],
    ['with a comma', '"14,0"'],
  ])('rejects a value %s as bad-value', (_what, value) => {
    expect(reason(line({ value }))).toBe('bad-value');
  });

  it('rejects sentinels (≤ −999) and flags negatives', () => {
    expect(reason(line({ value: '-999' }))).toBe('sentinel-value');
    expect(reason(line({ value: '-9999.5' }))).toBe('sentinel-value');
    expect(accepted(line({ value: '-998.9' }))).toMatchObject({ value: -998.9, flags: 1 });
    expect(accepted(line({ value: '-0' }))).toMatchObject({ value: 0, flags: 0 });
    expect(accepted(line({ value: '14' }))).toMatchObject({ value: 14, flags: 0 });
  });
});

describe('archive rule "series"', () => {
  it('carries the sensor, with no averaging period, city or country', () => {
    const m = accepted(line({ sensors_id: '3920' }));
    expect(m.sensorId).toBe(3920);
    expect(m).not.toHaveProperty('averagingMinutes');
    expect([m.city, m.country]).toEqual(['', '']);
  });
});

describe('rule order', () => {
  it('names the first rule that fails', () => {
    expect(reason(line({ datetime: 'x', parameter: 'x', lat: 'x', value: 'x' }))).toBe('bad-date');
    expect(reason(line({ parameter: 'x', lat: 'x', value: 'x' }))).toBe('unsupported-parameter');
    expect(reason(line({ lat: 'x', units: 'x', value: 'x' }))).toBe('no-coordinates');
    expect(reason(line({ units: 'x', value: 'x' }))).toBe('unsupported-unit');
    expect(reason(line({ location_id: 'x', datetime: 'x' }))).toBe('bad-csv');
  });
});
