import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  parseDuration,
  parseIsoDuration,
} from '../../../actions/lib/interval/duration.ts';
import { DAY, HOUR, MINUTE, usageError } from './helpers.ts';

describe('parseDuration', () => {
  it.each([
    ['10m', 10 * MINUTE],
    ['90m', 90 * MINUTE],
    ['60m', HOUR],
    ['1h', HOUR],
    ['6h', 6 * HOUR],
    ['1d', DAY],
    ['2d', 2 * DAY],
    [' 1h ', HOUR],
  ])('reads %j', (text, ms) => {
    expect(parseDuration(text, '--chunk')).toBe(ms);
  });

  it.each([
    ['15m', '--chunk 15m is not a multiple of 10 minutes: use 10m or 20m'],
    ['5m', '--chunk 5m is not a multiple of 10 minutes: use 10m'],
    ['65m', '--chunk 65m is not a multiple of 10 minutes: use 1h or 70m'],
    ['0m', '--chunk 0m is not longer than zero: use at least 10m'],
    ['0d', '--chunk 0d is not longer than zero: use at least 10m'],
    [
      '30s',
      '--chunk 30s is not a duration: use a whole number of minutes, hours or days, e.g. 10m, 1h, 1d',
    ],
    ['', '--chunk "" is not a duration: use a whole number of minutes, hours or days'],
    ['1.5h', '--chunk 1.5h is not a duration'],
    ['-1h', '--chunk -1h is not a duration'],
    ['1H', '--chunk 1H is not a duration'],
    ['1h30m', '--chunk 1h30m is not a duration'],
    ['PT1H', '--chunk PT1H is not a duration'],
    ['99999999999999d', '--chunk 99999999999999d is too long to be a duration'],
  ])('refuses %j, naming the flag and a fix', (text, message) => {
    expect(usageError(() => parseDuration(text, '--chunk')).message.startsWith(message)).toBe(true);
  });
});

describe('formatDuration', () => {
  it.each([
    [10 * MINUTE, '10m'],
    [90 * MINUTE, '90m'],
    [HOUR, '1h'],
    [36 * HOUR, '36h'],
    [DAY, '1d'],
    [2 * DAY, '2d'],
    [0, '0m'],
    [30_000, '30s'],
    [1_500, '1500ms'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips every multiple of 10 minutes through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (n) => {
        const ms = n * 10 * MINUTE;
        return parseDuration(formatDuration(ms), 'x') === ms;
      }),
    );
  });
});

describe('parseIsoDuration', () => {
  it.each([
    ['P365D', 365 * DAY],
    ['PT12H', 12 * HOUR],
    ['P1DT6H', 30 * HOUR],
    ['P2W', 14 * DAY],
    ['P1W2D', 9 * DAY],
    ['PT90M', 90 * MINUTE],
    ['PT1M', MINUTE],
    ['PT30S', 30_000],
    ['P1DT1H1M1S', DAY + HOUR + MINUTE + 1_000],
    ['p1d', DAY],
  ])('reads %j', (text, ms) => {
    expect(parseIsoDuration(text, 'data.window')).toBe(ms);
  });

  it.each([
    [
      'P1Y',
      'data.window P1Y uses years or months, which have no fixed length: use days, e.g. P365D',
    ],
    ['P6M', 'data.window P6M uses years or months'],
    ['P1Y2D', 'data.window P1Y2D uses years or months'],
    ['P', 'data.window P is not an ISO 8601 duration: use e.g. P365D, PT12H or P1DT6H'],
    ['PT', 'data.window PT is not an ISO 8601 duration'],
    ['P1DT', 'data.window P1DT is not an ISO 8601 duration'],
    ['365D', 'data.window 365D is not an ISO 8601 duration'],
    ['PT0.5H', 'data.window PT0.5H is not an ISO 8601 duration'],
    ['P1H', 'data.window P1H is not an ISO 8601 duration'],
    ['', 'data.window "" is not an ISO 8601 duration'],
    ['P0D', 'data.window P0D is not longer than zero'],
  ])('refuses %j', (text, message) => {
    expect(
      usageError(() => parseIsoDuration(text, 'data.window')).message.startsWith(message),
    ).toBe(true);
  });
});
