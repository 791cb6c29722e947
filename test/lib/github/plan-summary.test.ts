import { describe, expect, it } from 'vitest';
import { planIsCapped, renderPlanSummary } from '../../../actions/lib/github/plan-summary.ts';
import type { PlanOptions } from '../../../actions/lib/ingest/types.ts';

const T0 = Date.UTC(2018, 5, 7);
const HOUR = 3_600_000;
const options: PlanOptions = {
  since: T0,
  chunkMs: HOUR,
  reprocess: 'missing',
  maxChunks: 2,
  settleMs: 30 * 60_000,
  now: T0 + 5 * HOUR,
};
const two = {
  include: [
    { start: '2018-06-07T00:00:00Z', end: '2018-06-07T01:00:00Z' },
    { start: '2018-06-07T01:00:00Z', end: '2018-06-07T02:00:00Z' },
  ],
};

describe('renderPlanSummary', () => {
  it('describes a catch-up and lists its chunks', () => {
    const summary = renderPlanSummary(two, options);
    expect(summary).toContain('since 2018-06-07T00:00:00Z (catch-up, intervals settled for 30m)');
    expect(summary).toContain('reprocess `missing`, chunks of 1h: 2 chunks are due.');
    expect(summary).toContain('| 2018-06-07T01:00:00Z | 2018-06-07T02:00:00Z |');
  });

  it('says when the plan is capped, and that the next run continues', () => {
    expect(planIsCapped(two, options)).toBe(true);
    expect(renderPlanSummary(two, options)).toContain('the rest wait for the next run');
    expect(planIsCapped(two, { maxChunks: 3 })).toBe(false);
    expect(renderPlanSummary(two, { ...options, maxChunks: 3 })).not.toContain('next run');
  });

  it('describes a backfill, and an empty plan without a table', () => {
    const summary = renderPlanSummary(
      { include: [] },
      { ...options, until: T0 + HOUR, reprocess: 'all' },
    );
    expect(summary).toContain('[2018-06-07T00:00:00Z, 2018-06-07T01:00:00Z) (backfill)');
    expect(summary).toContain('nothing is due.');
    expect(summary).not.toContain('| start |');
  });
});
