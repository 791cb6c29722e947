import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  stateOf,
  summarizeAttempts,
  summarizeRange,
} from '../../../actions/lib/interval/attempts.ts';
import type { IntervalAttempt } from '../../../actions/lib/interval/types.ts';
import { at, attempt, HOUR } from './helpers.ts';

const START = at('2014-01-01T00:00Z');
const NOW = at('2014-01-01T06:00Z');
const LIVE = { status: 'running', leaseUntil: NOW + HOUR } as const;
const EXPIRED = { status: 'running', leaseUntil: NOW } as const;

/** An attempt of START begun `hour` hours after midnight. */
function attemptAt(hour: number, overrides: Partial<IntervalAttempt> = {}): IntervalAttempt {
  return attempt(START, { startedAt: START + hour * HOUR, ...overrides });
}

describe('summarizeAttempts', () => {
  it.each([
    ['one success', [attemptAt(1)], 'succeeded', false, false],
    [
      'a failure, then a success',
      [attemptAt(1, { status: 'failed' }), attemptAt(2)],
      'succeeded',
      false,
      false,
    ],
    [
      'a success, then a failure',
      [attemptAt(1), attemptAt(2, { status: 'failed' })],
      'succeeded',
      false,
      true,
    ],
    ['a running attempt within its lease', [attemptAt(5, LIVE)], 'running', true, false],
    ['a running attempt at the end of its lease', [attemptAt(1, EXPIRED)], 'failed', false, true],
    [
      'a failure, then a live attempt',
      [attemptAt(1, { status: 'failed' }), attemptAt(5, LIVE)],
      'running',
      true,
      false,
    ],
    ['a success, then a live rerun', [attemptAt(1), attemptAt(5, LIVE)], 'succeeded', true, false],
    [
      'only failures',
      [attemptAt(1, { status: 'failed' }), attemptAt(2, { status: 'failed' })],
      'failed',
      false,
      true,
    ],
  ] as const)('%s: %s', (_, attempts, state, live, latestFailed) => {
    const summary = summarizeAttempts(attempts, NOW).get(START);
    expect(stateOf(summary)).toBe(state);
    expect(summary?.live).toBe(live);
    expect(summary?.latestFailed).toBe(latestFailed);
  });

  it('calls an interval without attempts missing', () => {
    const byStart = summarizeAttempts([attemptAt(1)], NOW);
    expect(stateOf(byStart.get(START + 600_000))).toBe('missing');
  });

  it('orders attempts by startedAt, not by their order in the input', () => {
    const newer = attemptAt(3, { objects: 5, rulesVersion: 2 });
    const older = attemptAt(1, { objects: 0, rulesVersion: 1 });
    const failedBetween = attemptAt(2, { status: 'failed' });
    const summary = summarizeAttempts([newer, failedBetween, older], NOW).get(START);
    expect(summary?.latestSuccess).toBe(newer);
    expect(summary?.latest).toBe(newer);
    expect(summary?.latestFailed).toBe(false);
  });

  it('keeps intervals apart', () => {
    const other = START + 600_000;
    const byStart = summarizeAttempts([attemptAt(1), attempt(other, { status: 'failed' })], NOW);
    expect([stateOf(byStart.get(START)), stateOf(byStart.get(other))]).toEqual([
      'succeeded',
      'failed',
    ]);
  });
});

describe('summarizeRange', () => {
  const TEN = 600_000;
  const range = { start: START, end: START + 12 * TEN };

  const attempts = fc.array(
    fc.record({
      intervalStart: fc.integer({ min: -2, max: 14 }).map((i) => START + i * TEN),
      status: fc.constantFrom('running', 'succeeded', 'failed'),
      startedAt: fc.integer({ min: 0, max: 8 }).map((h) => START + h * HOUR),
      leaseUntil: fc.integer({ min: 4, max: 8 }).map((h) => START + h * HOUR),
      objects: fc.integer({ min: 0, max: 3 }),
      rulesVersion: fc.integer({ min: 1, max: 3 }),
    }),
    { maxLength: 60 },
  );

  it('agrees with summarizeAttempts inside the range, and knows nothing outside it', () => {
    fc.assert(
      fc.property(attempts, (list) => {
        const byStart = summarizeAttempts(list, NOW);
        const inRange = summarizeRange(list, range, NOW);
        for (let i = -2; i <= 14; i++) {
          const start = START + i * TEN;
          const inside = start >= range.start && start < range.end;
          expect(inRange.at(start)).toEqual(inside ? byStart.get(start) : undefined);
        }
      }),
    );
  });

  it('ignores attempts of unaligned starts', () => {
    const summaries = summarizeRange([attempt(START + 60_000)], range, NOW);
    expect(summaries.at(START + 60_000)).toBeUndefined();
    expect(summaries.at(START)).toBeUndefined();
  });

  it('knows nothing when there are no attempts', () => {
    expect(summarizeRange([], range, NOW).at(START)).toBeUndefined();
  });
});
