import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../../../actions/lib/openaq/datetime.ts';

describe('parseRfc3339', () => {
  it.each([
    ['2018-06-07T00:00:00.000Z', Date.UTC(2018, 5, 7)],
    ['2018-06-07T00:00:00Z', Date.UTC(2018, 5, 7)],
    ['2018-06-07t00:00:00z', Date.UTC(2018, 5, 7)],
    ['2018-06-07T05:00:00+05:00', Date.UTC(2018, 5, 7)],
    ['2018-06-06T20:00:00-04:00', Date.UTC(2018, 5, 7)],
    ['2018-06-07T05:30:00+05:30', Date.UTC(2018, 5, 7)],
    ['2018-06-07T00:00:00-00:00', Date.UTC(2018, 5, 7)],
    ['2018-06-07T00:00:00+23:59', Date.UTC(2018, 5, 7) - (23 * 60 + 59) * 60_000],
    ['2018-06-07T12:34:56.7Z', Date.UTC(2018, 5, 7, 12, 34, 56, 700)],
    ['2018-06-07T12:34:56.78Z', Date.UTC(2018, 5, 7, 12, 34, 56, 780)],
    ['2018-06-07T12:34:56.123456789Z', Date.UTC(2018, 5, 7, 12, 34, 56, 123)],
    ['2018-06-07T12:34:56.9999999Z', Date.UTC(2018, 5, 7, 12, 34, 56, 999)],
    ['2016-02-29T00:00:00Z', Date.UTC(2016, 1, 29)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['2018-12-31T23:59:59Z', Date.UTC(2018, 11, 31, 23, 59, 59)],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.999Z', -1],
    ['0000-01-01T00:00:00Z', -62167219200000],
    ['0099-06-01T00:00:00Z', Date.parse('0099-06-01T00:00:00Z')],
    ['9999-12-31T23:59:59.999Z', Date.parse('9999-12-31T23:59:59.999Z')],
  ])('reads %s', (text, expected) => {
    expect(parseRfc3339(text)).toBe(expected);
  });

  it.each([
    ['a date without time', '2018-06-07'],
    ['no seconds', '2018-06-07T00:00Z'],
    ['no zone', '2018-06-07T00:00:00'],
    ['no zone after a fraction', '2018-06-07T00:00:00.000'],
    ['a space instead of T', '2018-06-07 00:00:00Z'],
    ['another separator', '2018-06-07X00:00:00Z'],
    ['an empty fraction', '2018-06-07T00:00:00.Z'],
    ['a comma fraction', '2018-06-07T00:00:00,5Z'],
    ['month 13', '2018-13-01T00:00:00Z'],
    ['month 00', '2018-00-01T00:00:00Z'],
    ['day 00', '2018-06-00T00:00:00Z'],
    ['31 June', '2018-06-31T00:00:00Z'],
    ['30 February', '2018-02-30T00:00:00Z'],
    ['29 February of a common year', '2018-02-29T00:00:00Z'],
    ['29 February 1900 (not a leap year)', '1900-02-29T00:00:00Z'],
    ['hour 24', '2018-06-07T24:00:00Z'],
    ['minute 60', '2018-06-07T00:60:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['offset hour 24', '2018-06-07T00:00:00+24:00'],
    ['offset minute 60', '2018-06-07T00:00:00+05:60'],
    ['an offset without colon', '2018-06-07T00:00:00+0500'],
    ['a short offset', '2018-06-07T00:00:00+05'],
    ['text after Z', '2018-06-07T00:00:00ZZ'],
    ['text after the offset', '2018-06-07T00:00:00+05:00 '],
    ['leading space', ' 2018-06-07T00:00:00Z'],
    ['a five-digit year', '20180-06-07T00:00:00Z'],
    ['a signed year', '+2018-06-07T00:00:00Z'],
    ['non-ASCII digits', '٢٠١٨-06-07T00:00:00Z'],
    ['single-digit month', '2018-6-07T00:00:00Z'],
    ['words', 'June 7, 2018 00:00:00 UTC'],
    ['an empty string', ''],
  ])('rejects %s', (_what, text) => {
    expect(parseRfc3339(text)).toBeNaN();
  });

  it('agrees with Date for every instant of years 0000–9999 written by toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799999 }), (ms) => {
        expect(parseRfc3339(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });

  it('agrees with Date.parse on valid dates with any offset and fraction', () => {
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 1000, max: 9999 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.integer({ min: 0, max: 59 }),
          fraction: fc.stringMatching(/^[0-9]{0,9}$/),
          sign: fc.constantFrom('+', '-'),
          offsetHours: fc.integer({ min: 0, max: 23 }),
          offsetMinutes: fc.integer({ min: 0, max: 59 }),
        }),
        (d) => {
          const fraction = d.fraction === '' ? '' : `.${d.fraction}`;
          const text = `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}${fraction}${d.sign}${pad(d.offsetHours)}:${pad(d.offsetMinutes)}`;
          expect(parseRfc3339(text)).toBe(Date.parse(text));
        },
      ),
    );
  });

  it('never throws and returns NaN or an integer for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const ms = parseRfc3339(text);
        expect(Number.isNaN(ms) || Number.isInteger(ms)).toBe(true);
      }),
    );
  });
});
