import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import {
  formatInstant,
  parseAlignedInstant,
  parseInstant,
} from '../../../actions/lib/interval/instant.ts';
import { defined } from '../../support/defined.ts';
import { usageError } from './helpers.ts';

describe('parseInstant', () => {
  it.each([
    ['a date is midnight UTC', '2014-01-01', Date.UTC(2014, 0, 1)],
    ['minutes with Z', '2014-01-01T00:10Z', Date.UTC(2014, 0, 1, 0, 10)],
    ['seconds with Z', '2014-01-01T00:10:00Z', Date.UTC(2014, 0, 1, 0, 10)],
    ['milliseconds with Z', '2014-01-01T00:10:00.000Z', Date.UTC(2014, 0, 1, 0, 10)],
    ['milliseconds are kept', '2014-01-01T00:10:00.123Z', Date.UTC(2014, 0, 1, 0, 10, 0, 123)],
    [
      'microsecond digits that are zero',
      '2014-01-01T00:10:00.123000Z',
      Date.UTC(2014, 0, 1, 0, 10, 0, 123),
    ],
    ['an east offset', '2014-01-01T02:10:00+02:00', Date.UTC(2014, 0, 1, 0, 10)],
    ['a west offset crossing the year', '2013-12-31T19:10-05:00', Date.UTC(2014, 0, 1, 0, 10)],
    ['an offset without colon', '2014-01-01T05:40+0530', Date.UTC(2014, 0, 1, 0, 10)],
    ['psql style: space and hour offset', '2014-01-01 00:10:00+00', Date.UTC(2014, 0, 1, 0, 10)],
    ['lower-case t and z', '2014-01-01t00:10z', Date.UTC(2014, 0, 1, 0, 10)],
    ['surrounding spaces', ' 2014-01-01T00:10Z\n', Date.UTC(2014, 0, 1, 0, 10)],
    ['a leap day', '2016-02-29', Date.UTC(2016, 1, 29)],
    ['before the epoch', '1969-12-31T23:50Z', -10 * 60_000],
  ])('reads %s (%j)', (_, text, expected) => {
    expect(parseInstant(text, '--start')).toBe(expected);
  });

  it.each([
    ['', '--start "" is not an ISO 8601 instant: use e.g. 2014-01-01 or 2014-01-01T00:10:00Z'],
    ['yesterday', '--start yesterday is not an ISO 8601 instant'],
    ['2014-1-1', '--start 2014-1-1 is not an ISO 8601 instant'],
    ['1388534400', '--start 1388534400 is not an ISO 8601 instant'],
    ['2014-01-01T00:10:00 Z', '--start "2014-01-01T00:10:00 Z" is not an ISO 8601 instant'],
    [
      '2014-01-01T00:10',
      '--start 2014-01-01T00:10 has no time zone: add Z for UTC (2014-01-01T00:10Z) or an offset such as +02:00',
    ],
    ['2014-02-30', '--start 2014-02-30 is not a real date and time'],
    ['2015-02-29', '--start 2015-02-29 is not a real date and time'],
    ['2014-13-01', '--start 2014-13-01 is not a real date and time'],
    ['2014-01-01T24:00Z', '--start 2014-01-01T24:00Z is not a real date and time'],
    ['2014-01-01T00:60Z', '--start 2014-01-01T00:60Z is not a real date and time'],
    ['2014-01-01T00:00:60Z', '--start 2014-01-01T00:00:60Z is not a real date and time'],
    ['2014-01-01T00:00+24:00', '--start 2014-01-01T00:00+24:00 has an impossible offset'],
    [
      '2014-01-01T00:00:00.0000001Z',
      '--start 2014-01-01T00:00:00.0000001Z is finer than a millisecond',
    ],
  ])('refuses %j, naming the flag', (text, message) => {
    const error = usageError(() => parseInstant(text, '--start'));
    expect(error.problems).toHaveLength(1);
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('parseAlignedInstant', () => {
  it('accepts an instant on a 10-minute boundary', () => {
    expect(parseAlignedInstant('2014-01-01T00:10Z', '--start')).toBe(Date.UTC(2014, 0, 1, 0, 10));
  });

  it.each([
    [
      '2014-01-01T00:05:00Z',
      '--start 2014-01-01T00:05:00Z is not aligned to 10 minutes: use 2014-01-01T00:00:00Z or 2014-01-01T00:10:00Z',
    ],
    [
      '2014-01-01T02:05+02:00',
      '--start 2014-01-01T02:05+02:00 is not aligned to 10 minutes: use 2014-01-01T00:00:00Z or 2014-01-01T00:10:00Z',
    ],
    [
      '2014-01-01T00:09:59Z',
      '--start 2014-01-01T00:09:59Z is not aligned to 10 minutes: use 2014-01-01T00:00:00Z or 2014-01-01T00:10:00Z',
    ],
    [
      '2014-01-01T00:10:00.001Z',
      '--start 2014-01-01T00:10:00.001Z is not aligned to 10 minutes: use 2014-01-01T00:10:00Z or 2014-01-01T00:20:00Z',
    ],
    [
      '1969-12-31T23:55Z',
      '--start 1969-12-31T23:55Z is not aligned to 10 minutes: use 1969-12-31T23:50:00Z or 1970-01-01T00:00:00Z',
    ],
  ])('refuses %j and names the aligned neighbours', (text, message) => {
    expect(usageError(() => parseAlignedInstant(text, '--start')).message).toBe(message);
  });

  it('reports a parse error before alignment', () => {
    expect(() => parseAlignedInstant('2014-01-01T00:05', '--until')).toThrow(
      /^--until 2014-01-01T00:05 has no time zone/,
    );
  });
});

describe('formatInstant', () => {
  it.each([
    [Date.UTC(2014, 0, 1, 0, 10), '2014-01-01T00:10:00Z'],
    [0, '1970-01-01T00:00:00Z'],
    [Date.UTC(2014, 0, 1, 0, 10, 0, 123), '2014-01-01T00:10:00.123Z'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatInstant(ms)).toBe(text);
  });

  it('refuses a value that is no instant', () => {
    expect(() => formatInstant(Number.NaN)).toThrow(RangeError);
  });

  it('round-trips through parseInstant and parseAlignedInstant', () => {
    const aligned = fc.integer({ min: -1_000_000, max: 10_000_000 }).map((n) => n * 600_000);
    fc.assert(
      fc.property(aligned, (ms) => {
        const text = formatInstant(ms);
        return parseInstant(text, 'x') === ms && parseAlignedInstant(text, 'x') === ms;
      }),
    );
  });

  it('is what the alignment error suggests, so suggestions parse back', () => {
    const error = usageError(() => parseAlignedInstant('2014-06-07T13:47Z', '--start'));
    expect(error).toBeInstanceOf(UsageError);
    const suggested = defined(
      error.message.split(': use ')[1],
      `suggestions in "${error.message}"`,
    );
    const suggestions = suggested.split(' or ');
    expect(suggestions.map((s) => parseAlignedInstant(s, 'x'))).toEqual([
      Date.UTC(2014, 5, 7, 13, 40),
      Date.UTC(2014, 5, 7, 13, 50),
    ]);
  });
});
