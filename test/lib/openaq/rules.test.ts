import { describe, expect, it } from 'vitest';
import { evaluateLine, RULES_VERSION } from '../../../actions/lib/openaq/rules.ts';
import type { LineOutcome, Measurement, RejectReason } from '../../../actions/lib/openaq/types.ts';
import { FLAG_NEGATIVE, FLAG_OK } from '../../../actions/lib/openaq/types.ts';

/** A real record of the 2018-06-07 fetch (Dhaka, pm25, hourly). */
const DHAKA = {
  date: { utc: '2018-06-06T23:00:00.000Z', local: '2018-06-07T05:00:00+06:00' },
  parameter: 'pm25',
  location: 'US Diplomatic Post: Dhaka',
  value: 27,
  unit: 'µg/m³',
  city: 'Dhaka',
  attribution: [
    { name: 'EPA AirNow DOS', url: 'http://airnow.gov/index.cfm?action=airnow.global_summary' },
  ],
  averagingPeriod: { value: 1, unit: 'hours' },
  coordinates: { latitude: 23.796373, longitude: 90.424614 },
  country: 'BD',
  sourceName: 'StateAir_Dhaka',
  sourceType: 'government',
  mobile: false,
};

type Fields = Record<string, unknown>;

/** The Dhaka record with some fields replaced (`undefined` removes a field). */
function record(changes: Fields = {}): Fields {
  const result: Fields = { ...DHAKA, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete result[key];
  return result;
}

/** The fetch time of the object the test lines come from: ten minutes after the Dhaka record. */
const FETCHED_AT = Date.parse('2018-06-07T00:10:00Z');

function evaluate(
  value: unknown,
  options: { raw?: boolean; fetchedAt?: number } = {},
): LineOutcome {
  const text = options.raw ? (value as string) : JSON.stringify(value);
  return evaluateLine({ number: 1, text, validUtf8: true }, options.fetchedAt ?? FETCHED_AT);
}

function accepted(outcome: LineOutcome): Measurement {
  if (outcome.kind !== 'accepted')
    throw new Error(`expected acceptance, got ${JSON.stringify(outcome)}`);
  return outcome.measurement;
}

function expectRejected(outcome: LineOutcome, reason: RejectReason, message?: string): void {
  expect(outcome).toMatchObject({ kind: 'rejected', reason });
  if (outcome.kind !== 'rejected') return;
  expect(outcome.message.length).toBeGreaterThan(0);
  expect(outcome.message.length).toBeLessThan(120);
  if (message !== undefined) expect(outcome.message).toBe(message);
}

describe('evaluateLine', () => {
  it('has a rules version to record with every ingest', () => {
    expect(RULES_VERSION).toBe(2);
  });

  it('turns a real record into one measurement in TOAR units and keys', () => {
    expect(evaluate(DHAKA)).toEqual({
      kind: 'accepted',
      measurement: {
        variable: 'pm2p5',
        latKey: '23.7964',
        lngKey: '90.4246',
        lat: 23.796373,
        lng: 90.424614,
        location: 'US Diplomatic Post: Dhaka',
        city: 'Dhaka',
        country: 'BD',
        time: Date.UTC(2018, 5, 6, 23),
        value: 27,
        flags: FLAG_OK,
        averagingMinutes: 60,
      },
    });
  });

  describe('rule 1, parse: a line that is not valid UTF-8 or not a JSON object is bad-json', () => {
    it('rejects bytes that were not valid UTF-8, even when the decoded text would parse', () => {
      const outcome = evaluateLine(
        { number: 3, text: JSON.stringify(DHAKA), validUtf8: false },
        FETCHED_AT,
      );
      expectRejected(outcome, 'bad-json', 'line is not valid UTF-8');
    });

    it.each([
      ['text that is not JSON', 'hello'],
      ['a truncated object', JSON.stringify(DHAKA).slice(0, 50)],
      ['two objects on one line', '{}{}'],
      ['a trailing comma', '{"a":1,}'],
      ['an array', '[{"parameter":"o3"}]'],
      ['a number', '42'],
      ['a string', '"{}"'],
      ['true', 'true'],
      ['null', 'null'],
    ])('rejects %s', (_what, text) => {
      expectRejected(evaluate(text, { raw: true }), 'bad-json');
    });

    it('says what the line was instead of an object', () => {
      expectRejected(evaluate('[1]', { raw: true }), 'bad-json', 'not a JSON object (an array)');
      expectRejected(evaluate('null', { raw: true }), 'bad-json', 'not a JSON object (null)');
      expectRejected(evaluate('7', { raw: true }), 'bad-json', 'not a JSON object (a number)');
    });

    it('accepts an object surrounded by JSON whitespace', () => {
      expect(evaluate(` \t${JSON.stringify(DHAKA)}\r `, { raw: true }).kind).toBe('accepted');
    });

    it('passes an empty object on to the next rule', () => {
      expectRejected(evaluate({}), 'bad-date', 'date is missing');
    });
  });

  describe('rule 2, time: date.utc must be an RFC 3339 date-time, else bad-date', () => {
    it.each([
      ['date missing', { date: undefined }, 'date is missing'],
      ['date null', { date: null }, 'date null is not an object'],
      [
        'date a string',
        { date: '2018-06-07T00:00:00Z' },
        'date "2018-06-07T00:00:00Z" is not an object',
      ],
      ['date an array', { date: ['2018-06-07T00:00:00Z'] }, undefined],
      ['date.utc missing', { date: { local: '2018-06-07T05:00:00+06:00' } }, 'date.utc is missing'],
      [
        'date.utc a number',
        { date: { utc: 1528329600000 } },
        'date.utc 1528329600000 is not a string',
      ],
      ['date.utc null', { date: { utc: null } }, 'date.utc null is not a string'],
      [
        'a date only',
        { date: { utc: '2018-06-07' } },
        'date.utc "2018-06-07" is not an RFC 3339 date-time',
      ],
      ['no zone', { date: { utc: '2018-06-07T00:00:00.000' } }, undefined],
      ['30 February', { date: { utc: '2018-02-30T00:00:00.000Z' } }, undefined],
      ['hour 24', { date: { utc: '2018-06-07T24:00:00Z' } }, undefined],
      ['a leap second', { date: { utc: '2016-12-31T23:59:60Z' } }, undefined],
      [
        'the year 0000, which PostgreSQL cannot store',
        { date: { utc: '0000-12-31T00:00:00Z' } },
        'date.utc "0000-12-31T00:00:00Z" is outside the years 0001–9999 in UTC',
      ],
      [
        'a year 1 reaching back into year 0',
        { date: { utc: '0001-01-01T00:00:00+01:00' } },
        undefined,
      ],
      [
        'a year 9999 reaching into year 10000',
        { date: { utc: '9999-12-31T23:00:00-02:00' } },
        undefined,
      ],
      [
        'what Date.parse reads anyway',
        { date: { utc: 'Thu, 07 Jun 2018 00:00:00 GMT' } },
        undefined,
      ],
    ])('rejects %s', (_what, changes, message) => {
      expectRejected(evaluate(record(changes)), 'bad-date', message);
    });

    it('shortens a long date.utc in the message', () => {
      const outcome = evaluate(record({ date: { utc: 'x'.repeat(10_000) } }));
      expectRejected(outcome, 'bad-date');
    });

    it.each([
      ['2018-06-07T00:00:00.000Z', Date.UTC(2018, 5, 7)],
      ['2018-06-07T05:30:00+05:30', Date.UTC(2018, 5, 7)],
      ['2018-06-07t00:00:00.123456z', Date.UTC(2018, 5, 7, 0, 0, 0, 123)],
    ])('reads %s as epoch milliseconds', (utc, time) => {
      expect(accepted(evaluate(record({ date: { utc } }))).time).toBe(time);
    });

    it.each([
      ['9999-12-31T00:00:00Z', FETCHED_AT],
      ['2099-01-01T00:00:00Z', FETCHED_AT],
      ['2018-06-08T00:10:00.001Z', FETCHED_AT],
      // An offset counts: 05:30 at +00:00 is a day and 5 h 20 min after the fetch.
      ['2018-06-08T05:30:00+00:00', FETCHED_AT],
    ])('rejects %s, more than a day after the fetch, as future-date', (utc, fetchedAt) => {
      const outcome = evaluate(record({ date: { utc } }), { fetchedAt });
      const fetched = new Date(fetchedAt).toISOString();
      expectRejected(
        outcome,
        'future-date',
        `date.utc ${JSON.stringify(utc)} is more than a day after the fetch (${fetched})`,
      );
    });

    it.each(['2018-06-08T00:10:00.000Z', '2018-06-08T05:40:00+05:30', '2018-06-07T00:10:00Z'])(
      'accepts %s, at most a day after the fetch',
      (utc) => {
        expect(accepted(evaluate(record({ date: { utc } }))).time).toBe(Date.parse(utc));
      },
    );

    it('ignores date.local', () => {
      const measurement = accepted(
        evaluate(record({ date: { utc: '2018-06-07T00:00:00Z', local: 'nonsense' } })),
      );
      expect(measurement.time).toBe(Date.UTC(2018, 5, 7));
    });
  });

  describe('rule 3, parameter: mapped exactly to a TOAR variable, else unsupported-parameter', () => {
    it.each([
      ['o3', 'o3'],
      ['no2', 'no2'],
      ['so2', 'so2'],
      ['co', 'co'],
      ['pm25', 'pm2p5'],
      ['pm10', 'pm10'],
      ['bc', 'bc'],
    ])('maps %s to %s', (parameter, variable) => {
      const unit =
        variable === 'pm2p5' || variable === 'pm10' || variable === 'bc' ? 'µg/m³' : 'ppb';
      expect(accepted(evaluate(record({ parameter, unit }))).variable).toBe(variable);
    });

    it.each([
      ['missing', undefined, 'parameter is missing'],
      ['pm1', 'pm1', 'parameter "pm1" is not supported'],
      ['no', 'no', undefined],
      ['nox', 'nox', undefined],
      ['O3 (case matters)', 'O3', undefined],
      ['pm2p5 (the TOAR name, not OpenAQ’s)', 'pm2p5', undefined],
      ['" o3"', ' o3', undefined],
      ['constructor (on Object.prototype)', 'constructor', undefined],
      ['a number', 3, 'parameter 3 is not supported'],
      ['null', null, 'parameter null is not supported'],
    ])('rejects %s', (_what, parameter, message) => {
      expectRejected(evaluate(record({ parameter })), 'unsupported-parameter', message);
    });
  });

  describe('rule 4, coordinates: numbers within ±90/±180, not (0, 0), else no-coordinates', () => {
    it.each([
      ['missing', undefined, 'coordinates are missing'],
      ['null', null, 'coordinates are missing'],
      ['a string', '23.79,90.42', 'coordinates "23.79,90.42" are not an object'],
      ['an array', [23.79, 90.42], 'coordinates [23.79,90.42] are not an object'],
      ['latitude missing', { longitude: 90.42 }, 'coordinates.latitude is missing'],
      ['longitude missing', { latitude: 23.79 }, 'coordinates.longitude is missing'],
      [
        'numeric strings',
        { latitude: '23.79', longitude: '90.42' },
        'coordinates.latitude "23.79" is not a number',
      ],
      [
        'latitude null',
        { latitude: null, longitude: 90.42 },
        'coordinates.latitude null is not a number',
      ],
      ['latitude above 90', { latitude: 90.0001, longitude: 0 }, 'latitude 90.0001 is outside ±90'],
      ['latitude below -90', { latitude: -91, longitude: 0 }, 'latitude -91 is outside ±90'],
      ['longitude above 180', { latitude: 0, longitude: 180.5 }, 'longitude 180.5 is outside ±180'],
      ['longitude below -180', { latitude: 10, longitude: -181 }, 'longitude -181 is outside ±180'],
      ['exactly (0, 0)', { latitude: 0, longitude: 0 }, 'coordinates are exactly (0, 0)'],
      ['(0.0, -0.0)', { latitude: 0.0, longitude: -0.0 }, 'coordinates are exactly (0, 0)'],
    ])('rejects %s', (_what, coordinates, message) => {
      expectRejected(evaluate(record({ coordinates })), 'no-coordinates', message);
    });

    it('rejects a latitude that overflows to Infinity (1e999)', () => {
      const text = JSON.stringify(record()).replace('23.796373', '1e999');
      expectRejected(
        evaluate(text, { raw: true }),
        'no-coordinates',
        'latitude Infinity is outside ±90',
      );
    });

    it.each([
      [90, 180, '90', '180'],
      [-90, -180, '-90', '-180'],
      [0, 5, '0', '5'],
      [5, 0, '5', '0'],
      [34.83775, -34.83775, '34.8378', '-34.8378'],
      [1.00005, 179.99995, '1.0001', '180'],
      [0.00004, 12, '0', '12'],
    ])('accepts (%s, %s) with station key (%s, %s)', (latitude, longitude, latKey, lngKey) => {
      const measurement = accepted(evaluate(record({ coordinates: { latitude, longitude } })));
      expect(measurement).toMatchObject({ lat: latitude, lng: longitude, latKey, lngKey });
    });

    it('ignores other fields of coordinates', () => {
      const coordinates = { latitude: 1, longitude: 2, altitude: 'high' };
      expect(accepted(evaluate(record({ coordinates }))).latKey).toBe('1');
    });
  });

  describe('rule 5, unit: matched exactly after reading µg/m³ spellings, else unsupported-unit', () => {
    it.each([
      ['o3', 'ppm', 0.031, 31],
      ['o3', 'ppb', 31, 31],
      ['no2', 'ppm', 0.0125, 12.5],
      ['so2', 'ppb', 2, 2],
      ['co', 'ppm', 1.2, 1200],
      ['pm25', 'µg/m³', 27, 27],
      ['pm10', 'mg/m³', 0.05, 50],
      ['bc', 'µg/m³', 1.5, 1.5],
    ])('stores %s in %s as TOAR units (%s → %s)', (parameter, unit, value, expected) => {
      expect(accepted(evaluate(record({ parameter, unit, value }))).value).toBeCloseTo(expected, 9);
    });

    it.each([
      ['o3', 48.0],
      ['no2', 46.01],
      ['so2', 64.07],
      ['co', 28.01],
    ])('converts %s from µg/m³ to ppb as value × 24.45 / %s', (parameter, molarMass) => {
      const measurement = accepted(evaluate(record({ parameter, unit: 'µg/m³', value: 1616.33 })));
      expect(measurement.value).toBe((1616.33 * 24.45) / molarMass);
    });

    it.each(['µg/m³', 'µg/m3', 'ug/m3', 'μg/m³'])('reads %s as µg/m³', (unit) => {
      expect(accepted(evaluate(record({ parameter: 'o3', unit, value: 96 }))).value).toBe(
        (96 * 24.45) / 48,
      );
      expect(accepted(evaluate(record({ parameter: 'pm25', unit, value: 27 }))).value).toBe(27);
    });

    it('names the unit and the parameter in the message', () => {
      const outcome = evaluate(record({ parameter: 'o3', unit: 'ppt' }));
      expectRejected(outcome, 'unsupported-unit', 'unit "ppt" is not supported for o3');
    });

    it.each([
      ['missing', 'o3', undefined, 'unit is missing'],
      ['null', 'o3', null, 'unit null is not supported for o3'],
      ['mg/m³ for a gas', 'no2', 'mg/m³', 'unit "mg/m³" is not supported for no2'],
      ['ppm for particles', 'pm25', 'ppm', 'unit "ppm" is not supported for pm25'],
      ['another case', 'o3', 'PPM', undefined],
      ['Greek mu with ASCII three', 'o3', 'μg/m3', undefined],
      ['a number', 'o3', 1, undefined],
    ])('rejects %s', (_what, parameter, unit, message) => {
      expectRejected(evaluate(record({ parameter, unit })), 'unsupported-unit', message);
    });
  });

  describe('rule 6, value: finite number; ≤ -999 is a sentinel; negative is flagged', () => {
    it.each([
      ['a numeric string', '27', 'value "27" is not a finite number'],
      ['null', null, 'value null is not a finite number'],
      ['missing', undefined, 'value is missing'],
      ['an object', { v: 1 }, undefined],
      ['a boolean', true, undefined],
    ])('rejects %s as bad-value', (_what, value, message) => {
      expectRejected(evaluate(record({ value })), 'bad-value', message);
    });

    it('rejects a value that overflows to Infinity (1e999) as bad-value, before the sentinel test', () => {
      const text = JSON.stringify(record({ value: 12345 }));
      expectRejected(evaluate(text.replace('12345', '1e999'), { raw: true }), 'bad-value');
      expectRejected(evaluate(text.replace('12345', '-1e999'), { raw: true }), 'bad-value');
    });

    it('rejects a value that overflows only once converted as bad-value', () => {
      const outcome = evaluate(record({ parameter: 'co', unit: 'ppm', value: 1e306 }));
      expectRejected(outcome, 'bad-value', 'value 1e+306 ppm overflows when converted');
    });

    it.each([-999, -999.5, -9999, -1e300])('rejects %s as sentinel-value', (value) => {
      expectRejected(evaluate(record({ value })), 'sentinel-value');
    });

    it('tests the sentinel on the raw value, before conversion', () => {
      // -0.999 ppm is -999 ppb once converted, but the raw value is not a sentinel.
      const measurement = accepted(
        evaluate(record({ parameter: 'o3', unit: 'ppm', value: -0.999 })),
      );
      expect(measurement).toMatchObject({ value: -999, flags: FLAG_NEGATIVE });
      // -999 ppb stays a sentinel however it would convert.
      expectRejected(
        evaluate(record({ parameter: 'o3', unit: 'ppb', value: -999 })),
        'sentinel-value',
      );
    });

    it.each([
      [-998.9, FLAG_NEGATIVE],
      [-0.5, FLAG_NEGATIVE],
      [-1e-9, FLAG_NEGATIVE],
      [0, FLAG_OK],
      [27, FLAG_OK],
    ])('stores %s with flag %s', (value, flags) => {
      expect(accepted(evaluate(record({ value }))).flags).toBe(flags);
    });

    it('stores a negative zero as zero, unflagged', () => {
      const measurement = accepted(
        evaluate(JSON.stringify(record({ value: 12345 })).replace('12345', '-0'), { raw: true }),
      );
      expect(Object.is(measurement.value, 0)).toBe(true);
      expect(measurement.flags).toBe(FLAG_OK);
    });
  });

  describe('rule 7, averaging: minutes from averagingPeriod, 60 when missing, else bad-averaging-period', () => {
    it.each([
      ['missing', undefined, 60],
      ['null', null, 60],
      ['1 hours', { value: 1, unit: 'hours' }, 60],
      ['0.25 hours', { value: 0.25, unit: 'hours' }, 15],
      ['0.3 hours', { value: 0.3, unit: 'hours' }, 18],
      ['24 hours', { value: 24, unit: 'hours' }, 1440],
      ['10 minutes', { value: 10, unit: 'minutes' }, 10],
      ['0.5 minutes (rounds up to one)', { value: 0.5, unit: 'minutes' }, 1],
      ['2.4 minutes', { value: 2.4, unit: 'minutes' }, 2],
      ['1 days', { value: 1, unit: 'days' }, 1440],
      ['0.5 days', { value: 0.5, unit: 'days' }, 720],
      ['extra fields', { value: 1, unit: 'hours', note: 'x' }, 60],
    ])('reads %s as %s minutes', (_what, averagingPeriod, minutes) => {
      expect(accepted(evaluate(record({ averagingPeriod }))).averagingMinutes).toBe(minutes);
    });

    it.each([
      ['a string', '1h', 'averagingPeriod "1h" is not an object'],
      ['a number', 60, 'averagingPeriod 60 is not an object'],
      ['an array', [1, 'hours'], undefined],
      ['an empty object', {}, 'averagingPeriod.value is missing'],
      [
        'value zero',
        { value: 0, unit: 'hours' },
        'averagingPeriod.value 0 is not a positive number',
      ],
      ['a negative value', { value: -1, unit: 'hours' }, undefined],
      ['a numeric string value', { value: '1', unit: 'hours' }, undefined],
      ['a null value', { value: null, unit: 'hours' }, undefined],
      ['unit missing', { value: 1 }, 'averagingPeriod.unit is missing'],
      ['unit seconds', { value: 3600, unit: 'seconds' }, undefined],
      ['unit Hours', { value: 1, unit: 'Hours' }, undefined],
      ['unit hour', { value: 1, unit: 'hour' }, undefined],
      [
        'less than a minute',
        { value: 0.4, unit: 'minutes' },
        'averaging period 0.4 minutes is shorter than a minute',
      ],
      ['0.001 hours', { value: 0.001, unit: 'hours' }, undefined],
      [
        'more minutes than an integer column holds',
        { value: 1e300, unit: 'days' },
        'averaging period 1e+300 days is too long',
      ],
    ])('rejects %s', (_what, averagingPeriod, message) => {
      expectRejected(evaluate(record({ averagingPeriod })), 'bad-averaging-period', message);
    });

    it('rejects a value that overflows to Infinity (1e999)', () => {
      const text = JSON.stringify(record({ averagingPeriod: { value: 12345, unit: 'hours' } }));
      expectRejected(
        evaluate(text.replace('12345', '1e999'), { raw: true }),
        'bad-averaging-period',
      );
    });
  });

  describe('location, city and country are kept as given', () => {
    it.each([
      ['missing', undefined, ''],
      ['null', null, ''],
      ['a number', 42, ''],
      ['an empty string', '', ''],
      ['a string with spaces', '  Dhaka  ', '  Dhaka  '],
    ])('stores %s as %j', (_what, value, stored) => {
      const measurement = accepted(
        evaluate(record({ location: value, city: value, country: value })),
      );
      expect([measurement.location, measurement.city, measurement.country]).toEqual([
        stored,
        stored,
        stored,
      ]);
    });
  });

  describe('location, city and country are cut to 200 characters', () => {
    it('takes the first 200 characters of a 50 MB location, city and country', () => {
      const huge = `Long${'x'.repeat(50 * 1024 * 1024)}`;
      const measurement = accepted(evaluate(record({ location: huge, city: huge, country: huge })));
      const cut = `Long${'x'.repeat(196)}`;
      expect([measurement.location, measurement.city, measurement.country]).toEqual([
        cut,
        cut,
        cut,
      ]);
    });

    it('cuts at a character boundary: a character of two code units is kept whole or left out', () => {
      const location = `${'a'.repeat(199)}😀😀`;
      const measurement = accepted(evaluate(record({ location })));
      expect(measurement.location).toBe(`${'a'.repeat(199)}😀`);
      expect([...measurement.location]).toHaveLength(200);
      const exactly = `${'é'.repeat(200)}`;
      expect(accepted(evaluate(record({ location: exactly }))).location).toBe(exactly);
    });
  });

  describe('a number too large for a double is quoted as the line wrote it', () => {
    it.each([
      ['1e400', 'value 1e400 is not a finite number'],
      ['-1e400', 'value -1e400 is not a finite number'],
      [`1${'0'.repeat(400)}`, `value 1${'0'.repeat(39)}… is not a finite number`],
    ])('value %s', (written, message) => {
      const text = JSON.stringify(record({ value: 0 })).replace('"value":0', `"value": ${written}`);
      expectRejected(evaluate(text, { raw: true }), 'bad-value', message);
    });

    it.each([
      ['1e400', 'averagingPeriod.value 1e400 is not a positive number'],
      ['-2E+999', 'averagingPeriod.value -2E+999 is not a positive number'],
    ])(
      'averagingPeriod.value %s, even with a key "value" in a string before it',
      (written, message) => {
        const text = JSON.stringify(
          record({ location: '"value": 5', averagingPeriod: { unit: 'hours', value: 0 } }),
        ).replace('"unit":"hours","value":0', `"unit":"hours","value" :${written}`);
        expectRejected(evaluate(text, { raw: true }), 'bad-averaging-period', message);
      },
    );
  });

  describe('the first rule that fails names the reason', () => {
    const everythingWrong = {
      date: { utc: 'yesterday' },
      parameter: 'pm1',
      coordinates: null,
      unit: 'ppt',
      value: '27',
      averagingPeriod: { value: -1, unit: 'weeks' },
    };
    const order: [RejectReason, Fields][] = [
      ['bad-date', {}],
      ['unsupported-parameter', { date: DHAKA.date }],
      ['no-coordinates', { date: DHAKA.date, parameter: 'pm25' }],
      ['unsupported-unit', { date: DHAKA.date, parameter: 'pm25', coordinates: DHAKA.coordinates }],
      [
        'bad-value',
        { date: DHAKA.date, parameter: 'pm25', coordinates: DHAKA.coordinates, unit: 'µg/m³' },
      ],
      [
        'sentinel-value',
        {
          date: DHAKA.date,
          parameter: 'pm25',
          coordinates: DHAKA.coordinates,
          unit: 'µg/m³',
          value: -999,
        },
      ],
      [
        'bad-averaging-period',
        {
          date: DHAKA.date,
          parameter: 'pm25',
          coordinates: DHAKA.coordinates,
          unit: 'µg/m³',
          value: 1,
        },
      ],
    ];
    it.each(order)(
      '%s when every earlier rule passes and every later one fails',
      (reason, fixed) => {
        expectRejected(evaluate({ ...everythingWrong, ...fixed }), reason);
      },
    );

    it('bad-json before anything else, however wrong the fields', () => {
      expectRejected(evaluate([everythingWrong]), 'bad-json');
    });
  });
});
