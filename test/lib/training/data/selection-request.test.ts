import { describe, expect, it } from 'vitest';
import {
  type DataDefaults,
  parseStationRef,
  resolveSelectionRequest,
  selectionOverrideProblems,
} from '../../../../actions/lib/training/data/selection-request.ts';
import { at, HOUR, usageError } from '../helpers.ts';

const DEFAULTS: DataDefaults = {
  variable: 'o3',
  station: { kind: 'id', id: 7 },
  window: 'P365D',
};

describe('parseStationRef', () => {
  it.each([
    ['12', { kind: 'id', id: 12 }],
    [12, { kind: 'id', id: 12 }],
    ['34.83775,-118.1234', { kind: 'coordinates', lat: 34.83775, lng: -118.1234 }],
    [' -3 , .5 ', { kind: 'coordinates', lat: -3, lng: 0.5 }],
    ['0,0', { kind: 'coordinates', lat: 0, lng: 0 }],
  ])('reads %j', (value, ref) => {
    expect(parseStationRef(value, 'station')).toEqual(ref);
  });

  it.each([
    ['0', /is not a station/],
    [-3, /is not a station/],
    ['1e3,2', /is not a station/],
    ['34.8', /is not a station/],
    ['a,b', /is not a station/],
    ['91,0', /latitude 91 is outside -90..90/],
    ['0,-180.5', /longitude -180.5 is outside -180..180/],
  ])('refuses %j', (value, message) => {
    expect(usageError(() => parseStationRef(value, 'station')).message).toMatch(message);
  });
});

describe('resolveSelectionRequest', () => {
  it('uses the project defaults, a duration ending at the newest data', () => {
    expect(resolveSelectionRequest(DEFAULTS, {})).toEqual({
      variable: 'o3',
      station: { kind: 'id', id: 7 },
      window: { kind: 'last', durationMs: 365 * 24 * HOUR },
    });
  });

  it('lets what is given win, including a range [from, to) instead of the duration', () => {
    expect(
      resolveSelectionRequest(DEFAULTS, {
        variable: 'no2',
        station: '1.5,2.5',
        from: '2014-01-01',
        to: '2014-01-11T00:00:00Z',
      }),
    ).toEqual({
      variable: 'no2',
      station: { kind: 'coordinates', lat: 1.5, lng: 2.5 },
      window: { kind: 'range', from: at('2014-01-01T00:00:00Z'), to: at('2014-01-11T00:00:00Z') },
    });
    expect(
      resolveSelectionRequest(DEFAULTS, { window: 'PT48H', to: '2014-02-01T05:00:00Z' }).window,
    ).toEqual({
      kind: 'last',
      durationMs: 48 * HOUR,
      to: at('2014-02-01T05:00:00Z'),
    });
  });

  it('collects every missing or malformed part, named as the caller names them', () => {
    const error = usageError(() =>
      resolveSelectionRequest(
        undefined,
        { from: '2014-01-01T00:30:00Z', to: '2014-01-01T00:00:00Z', window: 'P1D' },
        { from: '--from', to: '--to', window: '--window' },
      ),
    );
    expect(error.problems).toEqual([
      'no variable to select: give variable (e.g. o3) or set data.variable',
      'no station to select: give station (an id or LAT,LNG) or set data.station',
      '--from 2014-01-01T00:30:00Z is not a whole hour: training data is hourly, use 2014-01-01T00:00:00Z or 2014-01-01T01:00:00Z',
      'give either --window or --from and --to, not both',
    ]);
    expect(
      usageError(() => resolveSelectionRequest(DEFAULTS, { from: '2014-01-01' })).message,
    ).toBe('from needs to: the window is [from, to)');
    expect(
      usageError(() => resolveSelectionRequest(DEFAULTS, { from: '2014-01-02', to: '2014-01-01' }))
        .message,
    ).toBe(
      'from 2014-01-02T00:00:00Z is not before to 2014-01-01T00:00:00Z: the window is [from, to)',
    );
    expect(
      usageError(() =>
        resolveSelectionRequest({ variable: 'o3', station: { kind: 'id', id: 1 } }, {}),
      ).message,
    ).toBe('no window to select: give window (e.g. P365D), or from and to, or set data.window');
    expect(usageError(() => resolveSelectionRequest(DEFAULTS, { window: 'PT90M' })).message).toBe(
      'window PT90M is not a whole number of hours: training data is hourly, use e.g. PT2H',
    );
  });
});

describe('selectionOverrideProblems', () => {
  const LABELS = { station: '--station', from: '--from', to: '--to', window: '--window' };

  it('finds the overrides’ own problems, before any project is read', () => {
    expect(
      selectionOverrideProblems(
        { station: 'Lancaster', from: '2014-01-01T00:30:00Z', window: 'PT90M', variable: 'o 3' },
        LABELS,
      ),
    ).toEqual([
      expect.stringMatching(/^variable must be a variable name .*got "o 3"$/),
      expect.stringMatching(/^--station "Lancaster" is not a station/),
      expect.stringMatching(/^--from 2014-01-01T00:30:00Z is not a whole hour/),
      '--from needs --to: the window is [from, to)',
    ]);
  });

  it('leaves what only the project settles to the project: nothing given is no problem', () => {
    expect(selectionOverrideProblems({})).toEqual([]);
    expect(selectionOverrideProblems({ station: '12', window: 'P30D' })).toEqual([]);
    expect(selectionOverrideProblems({ window: 'PT90M' }, LABELS)).toEqual([
      '--window PT90M is not a whole number of hours: training data is hourly, use e.g. PT2H',
    ]);
  });
});
