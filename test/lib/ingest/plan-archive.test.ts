import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { DAY_MS } from '../../../actions/lib/ingest/day-intervals.ts';
import {
  ARCHIVE_SETTLE_MS,
  type ArchivePlanOptions,
  planArchiveDays,
} from '../../../actions/lib/ingest/plan-archive.ts';
import type { IntervalAttempt } from '../../../actions/lib/interval/types.ts';

const D = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const options = (over: Partial<ArchivePlanOptions> = {}): ArchivePlanOptions => ({
  now: Date.parse('2024-03-31T12:00:00Z'),
  since: D('2024-03-01'),
  chunkMs: DAY_MS,
  reprocess: 'missing',
  maxChunks: 256,
  settleMs: ARCHIVE_SETTLE_MS,
  rulesVersion: 3,
  ...over,
});

const success = (day: string, over: Partial<IntervalAttempt> = {}): IntervalAttempt => ({
  intervalStart: D(day),
  status: 'succeeded',
  startedAt: D(day) + 4 * DAY_MS,
  leaseUntil: D(day) + 4 * DAY_MS + 3_600_000,
  objects: 2,
  rulesVersion: 3,
  ...over,
});

const days = (chunks: { start: number; end: number }[]) =>
  chunks.map((c) => `${iso(c.start)}..${iso(c.end)}`);

describe('planArchiveDays', () => {
  it('plans the days that ended 72 hours ago, and re-reads the last 14 whatever their state', () => {
    // At 2024-03-31 12:00 the last day that ended 72 h ago is 2024-03-27 (it ended 28th 00:00).
    const attempts = ['01', '02', '03', '04', '05', '10', '20', '27'].map((d) =>
      success(`2024-03-${d}`),
    );
    const plan = planArchiveDays(attempts, options());
    expect(days(plan)[0]).toBe('2024-03-06..2024-03-07');
    expect(days(plan).at(-1)).toBe('2024-03-27..2024-03-28');
    // Days 6–9 and 11–13 have no success; 14–27 are re-read (the 20th and 27th succeeded).
    expect(plan).toHaveLength(27 - 6 + 1 - 1);
    expect(days(plan)).not.toContain('2024-03-10..2024-03-11');
    expect(days(plan)).toContain('2024-03-20..2024-03-21');
  });

  it('plans a backfill exactly, without re-reading, and never a day that has not ended', () => {
    const plan = planArchiveDays([success('2024-03-02')], options({ until: D('2024-04-10') }));
    expect(days(plan)[0]).toBe('2024-03-01..2024-03-02');
    expect(days(plan)).not.toContain('2024-03-02..2024-03-03');
    expect(days(plan).at(-1)).toBe('2024-03-30..2024-03-31');
  });

  it('groups due days into epoch-aligned chunks, at most maxChunks', () => {
    const plan = planArchiveDays(
      [],
      options({ until: D('2024-03-15'), chunkMs: 7 * DAY_MS, maxChunks: 2 }),
    );
    // Weeks of the epoch start on Thursdays: 2024-02-29, 2024-03-07, 2024-03-14.
    expect(days(plan)).toEqual(['2024-03-01..2024-03-07', '2024-03-07..2024-03-14']);
  });

  it('skips a day being ingested, and takes failed and outdated days as asked', () => {
    const running: IntervalAttempt = {
      ...success('2024-03-01'),
      status: 'running',
      leaseUntil: Date.parse('2024-04-01T00:00:00Z'),
    };
    const failedAfter = [
      success('2024-03-02'),
      { ...success('2024-03-02'), status: 'failed' as const, startedAt: D('2024-03-20') },
    ];
    const outdated = success('2024-03-03', { rulesVersion: 2 });
    const backfill = { until: D('2024-03-04') };
    const attempts = [running, ...failedAfter, outdated];
    expect(days(planArchiveDays(attempts, options(backfill)))).toEqual([]);
    expect(days(planArchiveDays(attempts, options({ ...backfill, reprocess: 'failed' })))).toEqual([
      '2024-03-02..2024-03-03',
    ]);
    expect(
      days(planArchiveDays(attempts, options({ ...backfill, reprocess: 'outdated' }))),
    ).toEqual(['2024-03-03..2024-03-04']);
    expect(planArchiveDays(attempts, options({ ...backfill, reprocess: 'all' }))).toHaveLength(3);
  });

  it('refuses bounds that are not days', () => {
    expect(() => planArchiveDays([], options({ since: D('2024-03-01') + 600_000 }))).toThrow(
      UsageError,
    );
    expect(() => planArchiveDays([], options({ chunkMs: 3_600_000 }))).toThrow(
      /whole number of days/,
    );
  });
});
