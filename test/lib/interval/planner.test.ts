import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignDown } from '../../../actions/lib/interval/align.ts';
import { formatInstant } from '../../../actions/lib/interval/instant.ts';
import {
  MAX_CHUNKS_LIMIT,
  type PlannerOptions,
  planChunks,
  toMatrix,
} from '../../../actions/lib/interval/planner.ts';
import { chunksOf } from '../../../actions/lib/interval/range.ts';
import type {
  Interval,
  IntervalAttempt,
  ReprocessMode,
} from '../../../actions/lib/interval/types.ts';
import { defined } from '../../support/defined.ts';
import { at, attempt, DAY, HOUR, MINUTE, usageError } from './helpers.ts';

const TEN = 10 * MINUTE;
const T0 = at('2014-01-01T00:00Z');

/** 2014-01-01 at `hh:mm` UTC. */
function clock(hhmm: string): number {
  return at(`2014-01-01T${hhmm}Z`);
}

/** Options of a scheduled run at `now` since midnight: 10m chunks, 30 minutes' settle. */
function scheduled(now: number, overrides: Partial<PlannerOptions> = {}): PlannerOptions {
  return {
    now,
    since: T0,
    chunkMs: TEN,
    reprocess: 'missing',
    maxChunks: MAX_CHUNKS_LIMIT,
    settleMs: 30 * MINUTE,
    rulesVersion: 1,
    ...overrides,
  };
}

/** Options of a backfill of `[since, until)` at `now`. */
function backfill(
  since: number,
  until: number,
  now: number,
  overrides: Partial<PlannerOptions> = {},
): PlannerOptions {
  return scheduled(now, { since, until, ...overrides });
}

/** Chunks within 2014-01-01 as `hh:mm-hh:mm`, for tables that read like a timetable. */
function hhmm(chunks: Interval[]): string[] {
  return chunks.map(
    (c) => `${formatInstant(c.start).slice(11, 16)}-${formatInstant(c.end).slice(11, 16)}`,
  );
}

/** One successful attempt (3 objects, rules version 1) per interval of `[from, to)`. */
function successes(from: number, to: number, overrides: Partial<IntervalAttempt> = {}) {
  const attempts: IntervalAttempt[] = [];
  for (let start = from; start < to; start += TEN) attempts.push(attempt(start, overrides));
  return attempts;
}

describe('planChunks: the settle delay of scheduled runs', () => {
  it.each([
    ['ended 29 minutes ago: waits', '01:39', 30, []],
    ['ended 29.999 minutes ago: waits', '01:39:59.999', 30, []],
    ['ended 30 minutes ago: planned', '01:40', 30, ['01:00-01:10']],
    ['ended 31 minutes ago: planned', '01:41', 30, ['01:00-01:10']],
    ['no settle delay, ended just now: planned', '01:10', 0, ['01:00-01:10']],
    ['no settle delay, not ended yet: waits', '01:09', 0, []],
  ])('the interval 01:00-01:10 %s', (_, now, settleMinutes, expected) => {
    const options = scheduled(clock(now), {
      since: clock('01:00'),
      settleMs: settleMinutes * MINUTE,
    });
    expect(hhmm(planChunks([], options))).toEqual(expected);
  });

  it('plans nothing when since is after the settled end', () => {
    expect(planChunks([], scheduled(clock('01:00'), { since: clock('02:00') }))).toEqual([]);
  });
});

describe('planChunks: chunks', () => {
  it('aligns chunks to the epoch, not to since', () => {
    const options = scheduled(clock('03:40'), { since: clock('00:30'), chunkMs: HOUR });
    expect(hhmm(planChunks([], options))).toEqual([
      '00:30-01:00',
      '01:00-02:00',
      '02:00-03:00',
      '03:00-03:10',
    ]);
  });

  it.each([
    ['spans only the due intervals of its window', ['01:10', '01:20', '01:30'], ['01:10-01:40']],
    ['covers the done intervals between two due ones', ['01:00', '01:50'], ['01:00-02:00']],
    [
      'gives one chunk per window',
      ['00:50', '01:00', '02:30'],
      ['00:50-01:00', '01:00-01:10', '02:30-02:40'],
    ],
  ])('a chunk %s', (_, due, expected) => {
    const dueStarts = new Set(due.map(clock));
    const attempts = successes(T0, clock('03:00')).filter((a) => !dueStarts.has(a.intervalStart));
    const options = scheduled(clock('03:30'), { chunkMs: HOUR });
    expect(hhmm(planChunks(attempts, options))).toEqual(expected);
  });

  it('never lets a 1d chunk cross midnight UTC', () => {
    const before = at('2014-01-01T23:50Z');
    const after = at('2014-01-02T00:00Z');
    const attempts = successes(T0, at('2014-01-03')).filter(
      (a) => a.intervalStart !== before && a.intervalStart !== after,
    );
    const options = scheduled(at('2014-01-03T00:30Z'), { chunkMs: DAY });
    expect(toMatrix(planChunks(attempts, options)).include).toEqual([
      { start: '2014-01-01T23:50:00Z', end: '2014-01-02T00:00:00Z' },
      { start: '2014-01-02T00:00:00Z', end: '2014-01-02T00:10:00Z' },
    ]);
  });
});

describe('planChunks: catch-up after missed runs', () => {
  const done = successes(T0, clock('02:00'));

  it('plans every missing interval since the last success, oldest first', () => {
    const options = scheduled(clock('08:00'), { chunkMs: HOUR });
    expect(hhmm(planChunks(done, options))).toEqual([
      '02:00-03:00',
      '03:00-04:00',
      '04:00-05:00',
      '05:00-06:00',
      '06:00-07:00',
      '07:00-07:30',
    ]);
  });

  it('caps a run at maxChunks and continues on the next run', () => {
    const first = planChunks(done, scheduled(clock('08:00'), { chunkMs: HOUR, maxChunks: 3 }));
    expect(hhmm(first)).toEqual(['02:00-03:00', '03:00-04:00', '04:00-05:00']);

    const afterFirst = [...done, ...first.flatMap((c) => successes(c.start, c.end))];
    const second = planChunks(
      afterFirst,
      scheduled(clock('08:10'), { chunkMs: HOUR, maxChunks: 3 }),
    );
    expect(hhmm(second)).toEqual(['05:00-06:00', '06:00-07:00', '07:00-07:40']);
  });
});

describe('planChunks: intervals found empty', () => {
  const now = at('2014-01-10T12:00Z');

  /** Plans a scheduled run where every interval succeeded with objects except `subject`. */
  function planWithEmpty(subjectEnd: number, extra: IntervalAttempt[] = [], retryMs?: number) {
    const subject = subjectEnd - TEN;
    const since = subject - DAY;
    const attempts = [
      ...successes(since, now).filter((a) => a.intervalStart !== subject),
      attempt(subject, { objects: 0 }),
      ...extra,
    ];
    const options = scheduled(now, { since, emptyRetryMs: retryMs });
    return { subject, chunks: planChunks(attempts, options) };
  }

  it.each([
    ['an hour old: planned again', HOUR, true],
    ['23h50m old: planned again', DAY - TEN, true],
    ['exactly a day old: believed', DAY, false],
    ['three days old: believed', 3 * DAY, false],
  ])('an empty interval %s', (_, age, planned) => {
    const { subject, chunks } = planWithEmpty(now - age);
    expect(chunks).toEqual(planned ? [{ start: subject, end: subject + TEN }] : []);
  });

  it('is believed once a later attempt found objects', () => {
    const end = now - HOUR;
    const later = attempt(end - TEN, { startedAt: now - 5 * MINUTE, objects: 2 });
    expect(planWithEmpty(end, [later]).chunks).toEqual([]);
  });

  it.each([
    [HOUR + 50 * MINUTE, true],
    [2 * HOUR, false],
  ])('honours a shorter retry period (2h): age %d ms planned %s', (age, planned) => {
    const { chunks } = planWithEmpty(now - age, [], 2 * HOUR);
    expect(chunks.length).toBe(planned ? 1 : 0);
  });
});

describe('planChunks: leases', () => {
  const now = clock('06:00');
  const subject = clock('01:00');
  const live = { status: 'running', startedAt: now - HOUR, leaseUntil: now + MINUTE } as const;
  const expired = { status: 'running', startedAt: now - 3 * HOUR, leaseUntil: now } as const;

  /** Plans `[01:00, 01:10)` alone, with the given attempts of it. */
  function plan(attempts: Partial<IntervalAttempt>[], options: Partial<PlannerOptions>) {
    const all = attempts.map((a) => attempt(subject, a));
    return planChunks(all, backfill(subject, subject + TEN, now, options)).length;
  }

  it.each([
    ['missing', 0],
    ['failed', 0],
    ['outdated', 0],
    ['all', 1],
  ] as const)('a live attempt keeps %s from planning the interval', (reprocess, planned) => {
    expect(plan([live], { reprocess })).toBe(planned);
    expect(plan([{ status: 'failed' }, live], { reprocess })).toBe(planned);
  });

  it('a live rerun of an outdated success is left alone', () => {
    expect(plan([{ rulesVersion: 1 }, live], { reprocess: 'outdated', rulesVersion: 2 })).toBe(0);
  });

  it.each(['missing', 'failed', 'outdated'] as const)(
    'an attempt past its lease is planned again by %s',
    (reprocess) => {
      expect(plan([expired], { reprocess })).toBe(1);
    },
  );

  it('scheduled runs leave live attempts and retry expired ones', () => {
    const attempts = [
      ...successes(T0, clock('05:30')).filter(
        (a) => a.intervalStart !== subject && a.intervalStart !== subject + TEN,
      ),
      attempt(subject, live),
      attempt(subject + TEN, expired),
    ];
    expect(hhmm(planChunks(attempts, scheduled(now)))).toEqual(['01:10-01:20']);
  });
});

describe('planChunks: reprocess modes', () => {
  // One interval per situation, 00:00 to 01:30, rules now at version 2; planned at 02:00.
  const now = clock('02:00');
  const slot = (i: number) => T0 + i * TEN;
  const letters = 'ABCDEFGHI';
  const attempts: IntervalAttempt[] = [
    // A (00:00): never attempted.
    attempt(slot(1), { status: 'failed' }), // B: failed
    attempt(slot(2), { rulesVersion: 1 }), // C: succeeded under the old rules
    attempt(slot(3), { rulesVersion: 2 }), // D: succeeded under the current rules
    attempt(slot(4), { rulesVersion: 2 }), // E: succeeded, then a later attempt failed
    attempt(slot(4), { status: 'failed', startedAt: slot(4) + HOUR }),
    attempt(slot(5), { status: 'running', leaseUntil: now + HOUR }), // F: running within its lease
    attempt(slot(6), { status: 'running', leaseUntil: now - MINUTE }), // G: running past its lease
    attempt(slot(7), { rulesVersion: 2, objects: 0 }), // H: found empty, less than a day ago
    attempt(slot(8), { rulesVersion: 1 }), // I: outdated, and being rerun right now
    attempt(slot(8), { status: 'running', startedAt: now - MINUTE, leaseUntil: now + HOUR }),
  ];

  function planned(options: PlannerOptions): string {
    return planChunks(attempts, options)
      .map((c) => letters[(c.start - T0) / TEN])
      .join('');
  }

  it.each([
    ['missing', 'ABGH'],
    ['failed', 'BEG'],
    ['outdated', 'ABCGH'],
    ['all', 'ABCDEFGHI'],
  ] as const)('a backfill with reprocess %s plans %s', (reprocess, expected) => {
    expect(planned(backfill(T0, slot(9), now, { reprocess, rulesVersion: 2 }))).toBe(expected);
  });

  it.each([
    ['missing', 'ABGH'],
    ['failed', 'ABEGH'],
    ['outdated', 'ABCGH'],
    ['all', 'ABCDEFGHI'],
  ] as const)('a scheduled run with reprocess %s plans %s', (reprocess, expected) => {
    const options = scheduled(now, { reprocess, rulesVersion: 2 });
    expect(options.now - options.settleMs).toBe(slot(9));
    expect(planned(options)).toBe(expected);
  });

  it.each([
    [1, 'ABGH'],
    [2, 'ABCGH'],
    [3, 'ABCDEGH'],
  ])('outdated under rules version %d plans %s', (rulesVersion, expected) => {
    const options = backfill(T0, slot(9), now, { reprocess: 'outdated', rulesVersion });
    expect(planned(options)).toBe(expected);
  });
});

describe('planChunks: backfill range', () => {
  it('plans exactly [since, until)', () => {
    const options = backfill(clock('01:00'), clock('02:00'), at('2014-01-02'), { chunkMs: HOUR });
    expect(hhmm(planChunks([], options))).toEqual(['01:00-02:00']);
  });

  it('never plans an interval that ends after now, but has no settle delay', () => {
    const options = backfill(T0, clock('03:00'), clock('01:05'), { settleMs: 30 * MINUTE });
    const chunks = planChunks([], options);
    expect(chunks).toHaveLength(6);
    expect(formatInstant(defined(chunks.at(-1), 'a chunk').end)).toBe('2014-01-01T01:00:00Z');
  });

  it('plans every interval of the range in mode all, as chunksOf would, capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.constantFrom(TEN, HOUR, 90 * MINUTE, 6 * HOUR, DAY),
        fc.integer({ min: 1, max: MAX_CHUNKS_LIMIT }),
        (offset, length, chunkMs, maxChunks) => {
          const range = { start: T0 + offset * TEN, end: T0 + (offset + length) * TEN };
          const options = backfill(range.start, range.end, T0 + DAY * 10, {
            reprocess: 'all',
            chunkMs,
            maxChunks,
          });
          expect(planChunks(successes(range.start, range.end), options)).toEqual(
            chunksOf(range, chunkMs).slice(0, maxChunks),
          );
        },
      ),
    );
  });

  it('covers every missing interval once, each chunk starting and ending on one', () => {
    const day = 144;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: day - 1 }), { maxLength: day }),
        fc.constantFrom(TEN, HOUR, 90 * MINUTE, 6 * HOUR, DAY),
        (doneSteps, chunkMs) => {
          const done = new Set(doneSteps.map((i) => T0 + i * TEN));
          const attempts = [...done].map((start) => attempt(start));
          const chunks = planChunks(attempts, backfill(T0, T0 + DAY, T0 + 2 * DAY, { chunkMs }));
          const missing = [...Array(day).keys()]
            .map((i) => T0 + i * TEN)
            .filter((s) => !done.has(s));
          const covered = missing.filter((s) => chunks.some((c) => c.start <= s && s < c.end));
          expect(covered).toEqual(missing);
          let previousEnd = Number.NEGATIVE_INFINITY;
          for (const c of chunks) {
            expect(done.has(c.start) || done.has(c.end - TEN)).toBe(false);
            expect(alignDown(c.end - 1, chunkMs)).toBe(alignDown(c.start, chunkMs));
            expect(c.start).toBeGreaterThanOrEqual(previousEnd);
            previousEnd = c.end;
          }
        },
      ),
    );
  });
});

describe('planChunks: ten years back', () => {
  const since = at('2014-01-01');
  const now = at('2024-01-01');

  it('caps ten years of missing intervals at 256 chunks, oldest first', () => {
    const chunks = planChunks([], scheduled(now, { since }));
    expect(chunks).toHaveLength(MAX_CHUNKS_LIMIT);
    expect(chunks[0]).toEqual({ start: since, end: since + TEN });
    expect(chunks.every((c, i) => c.start === since + i * TEN)).toBe(true);
  });

  it('finds the one missing day among ten years of successes', () => {
    const lastDay = at('2023-12-31');
    // Plain literals rather than `successes()`: half a million spreads would dominate the test.
    const attempts: IntervalAttempt[] = [];
    for (let start = since; start < lastDay; start += TEN) {
      const startedAt = start + 11 * MINUTE;
      attempts.push({
        intervalStart: start,
        status: 'succeeded',
        startedAt,
        leaseUntil: startedAt + 2 * HOUR,
        objects: 3,
        rulesVersion: 1,
      });
    }
    expect(attempts.length).toBeGreaterThan(520_000);
    const chunks = planChunks(attempts, scheduled(now, { since, chunkMs: HOUR }));
    expect(chunks).toHaveLength(24);
    expect(
      toMatrix([defined(chunks[0], 'the first chunk'), defined(chunks.at(-1), 'the last chunk')])
        .include,
    ).toEqual([
      { start: '2023-12-31T00:00:00Z', end: '2023-12-31T01:00:00Z' },
      { start: '2023-12-31T23:00:00Z', end: '2023-12-31T23:30:00Z' },
    ]);
  });
});

describe('planChunks: options', () => {
  it.each([0, MAX_CHUNKS_LIMIT + 1, 1.5, Number.NaN])('refuses maxChunks %d', (maxChunks) => {
    expect(
      usageError(() => planChunks([], scheduled(clock('06:00'), { maxChunks }))).message,
    ).toMatch(/^max chunks .* is not a whole number from 1 to 256/);
  });

  it.each([1, MAX_CHUNKS_LIMIT])('accepts maxChunks %d', (maxChunks) => {
    expect(planChunks([], scheduled(clock('06:00'), { maxChunks }))).toHaveLength(
      Math.min(maxChunks, 33),
    );
  });

  it('collects every problem at once', () => {
    const error = usageError(() =>
      planChunks([], {
        now: clock('06:00'),
        since: clock('00:05'),
        until: clock('00:00'),
        chunkMs: 15 * MINUTE,
        reprocess: 'everything' as ReprocessMode,
        maxChunks: 0,
        settleMs: -1,
        rulesVersion: 1,
      }),
    );
    expect(error.problems).toEqual([
      'since 2014-01-01T00:05:00Z is not aligned to 10 minutes',
      'until 2014-01-01T00:00:00Z is not after since 2014-01-01T00:05:00Z: a backfill needs at least one interval',
      'the chunk length 15m is not a positive multiple of 10 minutes',
      'reprocess "everything" is not one of missing, failed, outdated, all',
      'max chunks 0 is not a whole number from 1 to 256 (a workflow matrix holds at most 256 jobs)',
      'the settle delay -1 ms is not a duration (whole ms, zero or more)',
    ]);
  });
});

describe('toMatrix', () => {
  it('turns chunks into the workflow matrix, in ISO 8601 UTC without milliseconds', () => {
    expect(
      toMatrix([
        { start: T0, end: T0 + HOUR },
        { start: T0 + HOUR, end: T0 + HOUR + TEN },
      ]),
    ).toEqual({
      include: [
        { start: '2014-01-01T00:00:00Z', end: '2014-01-01T01:00:00Z' },
        { start: '2014-01-01T01:00:00Z', end: '2014-01-01T01:10:00Z' },
      ],
    });
  });

  it('gives an empty matrix for no chunk', () => {
    expect(toMatrix([])).toEqual({ include: [] });
  });
});
