import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignDown, isAligned } from '../../../actions/lib/interval/align.ts';
import { chunksOf, intervalsOf } from '../../../actions/lib/interval/range.ts';
import { at, DAY, HOUR, MINUTE, usageError } from './helpers.ts';

/** `[start, end)` from ISO text, for readable tables. */
function span(start: string, end: string) {
  return { start: at(start), end: at(end) };
}

describe('alignment', () => {
  it.each([
    [at('2014-01-01T00:05Z'), at('2014-01-01T00:00Z')],
    [at('2014-01-01T00:10Z'), at('2014-01-01T00:10Z')],
    [-1, -600_000],
  ])('aligns %d down to %d', (ms, aligned) => {
    expect(alignDown(ms)).toBe(aligned);
    expect(isAligned(aligned)).toBe(true);
  });

  it('aligns to any step from the epoch', () => {
    expect(alignDown(at('2014-01-01T13:20Z'), DAY)).toBe(at('2014-01-01'));
    expect(isAligned(at('2014-01-01T00:10Z'), HOUR)).toBe(false);
    expect(isAligned(Number.NaN)).toBe(false);
  });
});

describe('intervalsOf', () => {
  it('lists the 10-minute intervals of a range, oldest first', () => {
    expect(intervalsOf(span('2014-01-01T00:00Z', '2014-01-01T00:30Z'))).toEqual([
      span('2014-01-01T00:00Z', '2014-01-01T00:10Z'),
      span('2014-01-01T00:10Z', '2014-01-01T00:20Z'),
      span('2014-01-01T00:20Z', '2014-01-01T00:30Z'),
    ]);
  });

  it('gives nothing for an empty range', () => {
    expect(intervalsOf(span('2014-01-01T00:10Z', '2014-01-01T00:10Z'))).toEqual([]);
  });

  it('refuses an unaligned range, naming every bad bound', () => {
    const error = usageError(() => intervalsOf(span('2014-01-01T00:05Z', '2014-01-01T00:25Z')));
    expect(error.problems).toEqual([
      "the range's start 2014-01-01T00:05:00Z is not aligned to 10 minutes",
      "the range's end 2014-01-01T00:25:00Z is not aligned to 10 minutes",
    ]);
  });

  it('refuses a range that ends before it starts', () => {
    expect(
      usageError(() => intervalsOf(span('2014-01-01T01:00Z', '2014-01-01T00:00Z'))).message,
    ).toBe('the range [2014-01-01T01:00:00Z, 2014-01-01T00:00:00Z) ends before it starts');
  });
});

describe('chunksOf', () => {
  it.each([
    [
      '1h chunks start on the hour, the ends clipped to the range',
      span('2014-01-01T00:30Z', '2014-01-01T02:10Z'),
      HOUR,
      [
        span('2014-01-01T00:30Z', '2014-01-01T01:00Z'),
        span('2014-01-01T01:00Z', '2014-01-01T02:00Z'),
        span('2014-01-01T02:00Z', '2014-01-01T02:10Z'),
      ],
    ],
    [
      '1d chunks start at midnight UTC',
      span('2014-01-01T22:00Z', '2014-01-03T01:00Z'),
      DAY,
      [
        span('2014-01-01T22:00Z', '2014-01-02T00:00Z'),
        span('2014-01-02T00:00Z', '2014-01-03T00:00Z'),
        span('2014-01-03T00:00Z', '2014-01-03T01:00Z'),
      ],
    ],
    [
      '90m chunks count from the epoch, not from the range',
      span('2014-01-01T01:00Z', '2014-01-01T03:00Z'),
      90 * MINUTE,
      [
        span('2014-01-01T01:00Z', '2014-01-01T01:30Z'),
        span('2014-01-01T01:30Z', '2014-01-01T03:00Z'),
      ],
    ],
    [
      'a range inside one window is one chunk',
      span('2014-01-01T00:10Z', '2014-01-01T00:40Z'),
      HOUR,
      [span('2014-01-01T00:10Z', '2014-01-01T00:40Z')],
    ],
    ['an empty range has no chunk', span('2014-01-01T00:10Z', '2014-01-01T00:10Z'), HOUR, []],
  ])('%s', (_, range, chunkMs, expected) => {
    expect(chunksOf(range, chunkMs)).toEqual(expected);
  });

  it('with 10m chunks gives the intervals', () => {
    const range = span('2014-01-01T00:00Z', '2014-01-01T02:00Z');
    expect(chunksOf(range, 10 * MINUTE)).toEqual(intervalsOf(range));
  });

  it.each([0, -10 * MINUTE, 15 * MINUTE, Number.NaN])('refuses a chunk length of %d ms', (ms) => {
    expect(
      usageError(() => chunksOf(span('2014-01-01T00:00Z', '2014-01-01T01:00Z'), ms)).message,
    ).toMatch(/^the chunk length .* is not a positive multiple of 10 minutes$/);
  });

  it('tiles any aligned range with contiguous chunks, each inside one epoch window', () => {
    const tenMinutes = 10 * MINUTE;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 1, max: 300 }),
        (startSteps, lengthSteps, chunkSteps) => {
          const range = {
            start: startSteps * tenMinutes,
            end: (startSteps + lengthSteps) * tenMinutes,
          };
          const chunkMs = chunkSteps * tenMinutes;
          const chunks = chunksOf(range, chunkMs);
          let cursor = range.start;
          for (const chunk of chunks) {
            expect(chunk.start).toBe(cursor);
            expect(chunk.end).toBeGreaterThan(chunk.start);
            expect(alignDown(chunk.end - 1, chunkMs)).toBe(alignDown(chunk.start, chunkMs));
            cursor = chunk.end;
          }
          expect(cursor).toBe(range.end);
        },
      ),
    );
  });
});
