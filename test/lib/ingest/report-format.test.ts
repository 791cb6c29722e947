import { describe, expect, it } from 'vitest';
import { formatIngestReport } from '../../../actions/lib/ingest/report-format.ts';
import { emptyIngestReport } from '../../../actions/lib/ingest/tally.ts';

describe('formatIngestReport', () => {
  it('adds a line for misfiled objects, only when there are some', () => {
    const report = emptyIngestReport(6);
    expect(formatIngestReport(report)).not.toMatch(/misfiled/);
    report.objects_misfiled = 3;
    expect(formatIngestReport(report).split('\n')).toContain(
      'misfiled 3 (under another date folder than their fetch time: not ingested)',
    );
  });
});
