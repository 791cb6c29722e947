import { describe, expect, it } from 'vitest';
import {
  ingestAnnotations,
  MAX_FAILED_ROWS,
  MAX_WARNINGS,
  rejectedTotal,
  rejectionsByReason,
  renderIngestSummary,
} from '../../../actions/lib/github/ingest-summary.ts';
import type { IngestReport, ObjectFailure } from '../../../actions/lib/ingest/types.ts';

const T0 = Date.UTC(2018, 5, 7);
const context = {
  range: { start: T0, end: T0 + 3_600_000 },
  source: 's3://openaq-fetches/realtime-gzipped/',
};

function report(overrides: Partial<IngestReport> = {}): IngestReport {
  return {
    intervals: 6,
    objects: 6,
    objects_skipped: 1,
    objects_failed: 0,
    objects_misfiled: 0,
    objects_unchanged: 0,
    lines: 44_664,
    accepted: 33_960,
    rejected: { 'no-coordinates': 9_354, 'sentinel-value': 1_350 },
    stations_created: 96,
    series_created: 410,
    rows_inserted: 12_000,
    rows_updated: 3_000,
    seconds: 12,
    failures: [],
    ...overrides,
  };
}

function failures(n: number): ObjectFailure[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `realtime-gzipped/2018-06-07/${1528329600 + i * 600}.ndjson.gz`,
    interval: '2018-06-07T00:00:00Z',
    error: 'connection reset',
  }));
}

describe('rejections', () => {
  it('add up over every reason, listed most frequent first', () => {
    const r = report({
      rejected: { 'bad-json': 2, 'no-coordinates': 9, 'bad-date': 2, 'bad-value': 0 },
    });
    expect(rejectedTotal(r)).toBe(13);
    expect(rejectionsByReason(r)).toEqual([
      ['no-coordinates', 9],
      ['bad-date', 2],
      ['bad-json', 2],
    ]);
  });
});

describe('renderIngestSummary', () => {
  const summary = renderIngestSummary(report(), context);

  it('names the chunk and the source', () => {
    expect(summary).toContain('## Ingest [2018-06-07T00:00:00Z, 2018-06-07T01:00:00Z)');
    expect(summary).toContain('`s3://openaq-fetches/realtime-gzipped/`');
  });

  it('has a table of counts', () => {
    expect(summary).toContain('### Counts');
    expect(summary).toContain('| lines | 44,664 |');
    expect(summary).toContain('| accepted | 33,960 |');
    expect(summary).toContain('| rejected | 10,704 |');
    expect(summary).toContain('| stations created | 96 |');
    expect(summary).toContain('| rows updated | 3,000 |');
  });

  it('counts the misfiled objects (under the wrong date folder, not ingested)', () => {
    expect(renderIngestSummary(report({ objects_misfiled: 2 }), context)).toContain(
      '| objects misfiled (wrong date folder, not ingested) | 2 |',
    );
  });

  it('has a table of rejected lines by reason with their share', () => {
    expect(summary).toContain('| no-coordinates | 9,354 | 20.9 % |');
    expect(summary).toContain('| sentinel-value | 1,350 | 3.0 % |');
    expect(summary.indexOf('no-coordinates')).toBeLessThan(summary.indexOf('sentinel-value'));
  });

  it('has the throughput in records per second', () => {
    expect(summary).toContain('| records per second | 3,722.0 |');
    expect(summary).toContain('| objects per second | 0.5 |');
  });

  it('says so when nothing was rejected or failed', () => {
    const clean = renderIngestSummary(report({ rejected: {} }), context);
    expect(clean).toContain('No line was rejected.');
    expect(clean).toContain('Every object was loaded.');
  });

  it('shows no rate for a run that took no measurable time', () => {
    expect(renderIngestSummary(report({ seconds: 0 }), context)).toContain(
      '| records per second | – |',
    );
  });

  it('lists failed objects with interval and error, escaped', () => {
    const failed = renderIngestSummary(
      report({
        objects_failed: 1,
        failures: [
          { key: 'a|b.ndjson', interval: '2018-06-07T00:10:00Z', error: 'line one\nline two' },
        ],
      }),
      context,
    );
    expect(failed).toContain('| a\\|b.ndjson | 2018-06-07T00:10:00Z | line one line two |');
  });

  it(`lists at most ${MAX_FAILED_ROWS} failed objects and counts the rest`, () => {
    const many = renderIngestSummary(
      report({ objects_failed: 250, failures: failures(250) }),
      context,
    );
    expect(many.match(/connection reset/g)).toHaveLength(MAX_FAILED_ROWS);
    expect(many).toContain('150 more failed objects are not listed.');
  });
});

describe('ingestAnnotations', () => {
  it('sums up the rejections in one warning', () => {
    expect(ingestAnnotations(report())).toEqual([
      {
        title: 'Rejected lines',
        message:
          '10,704 of 44,664 lines rejected: no-coordinates 9,354, sentinel-value 1,350. See the job summary.',
      },
    ]);
  });

  it('warns once per failed object', () => {
    const annotations = ingestAnnotations(
      report({ rejected: {}, objects_failed: 2, failures: failures(2) }),
    );
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toEqual({
      title: 'Object not loaded',
      message:
        'realtime-gzipped/2018-06-07/1528329600.ndjson.gz (interval 2018-06-07T00:00:00Z): connection reset',
    });
  });

  it(`stays within GitHub's ${MAX_WARNINGS} warnings per step, saying how many were left out`, () => {
    const annotations = ingestAnnotations(report({ objects_failed: 25, failures: failures(25) }));
    expect(annotations).toHaveLength(MAX_WARNINGS);
    expect(annotations[0]?.title).toBe('Rejected lines');
    expect(annotations.filter((a) => a.title === 'Object not loaded')).toHaveLength(
      MAX_WARNINGS - 2,
    );
    expect(annotations.at(-1)).toEqual({
      title: 'Objects not loaded',
      message: '17 more objects failed: see the job summary.',
    });
  });

  it('lists every failure when they fit exactly', () => {
    const annotations = ingestAnnotations(
      report({ rejected: {}, failures: failures(MAX_WARNINGS) }),
    );
    expect(annotations.every((a) => a.title === 'Object not loaded')).toBe(true);
    expect(annotations).toHaveLength(MAX_WARNINGS);
  });

  it('raises none for a clean run', () => {
    expect(ingestAnnotations(report({ rejected: {} }))).toEqual([]);
  });
});
