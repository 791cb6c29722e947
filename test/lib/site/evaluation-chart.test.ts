// npm start's evaluation on the site's data page: the tasks per day, and the selection's time
// against the database's size; read back from a status snapshot that carries it.
import { describe, expect, it } from 'vitest';
import type { EvaluationDay, StatusReport } from '../../../actions/lib/ingest/status.ts';
import { evaluationCharts } from '../../../actions/lib/site/page-charts.ts';
import { parseStatusSnapshot } from '../../../actions/lib/site/status-snapshot.ts';

const marks = (svg: string) => svg.match(/class="mark\b/g)?.length ?? 0;

function day(overrides: Partial<EvaluationDay>): EvaluationDay {
  return {
    day: '2014-01-01',
    download: 0.1,
    load: 2.5,
    selection: 0.04,
    training: 1.3,
    publication: 0.05,
    records: 72_000,
    database_rows: 1_200_000,
    training_rows: 184,
    rmse: 3.3,
    skill: 0.1,
    version: 1,
    promoted: true,
    error: null,
    ...overrides,
  };
}

const status = (evaluation?: EvaluationDay[]): StatusReport => ({
  days: [],
  last_success: null,
  rejected: {},
  variables: [],
  stations: [],
  training_runs: [],
  timings: [],
  ...(evaluation ? { evaluation } : {}),
});

describe('evaluationCharts', () => {
  const evaluation = [
    day({}),
    day({ day: '2014-01-02', database_rows: 1_500_000, selection: 0.05, publication: 0 }),
    // A day whose training failed before its selection ended: a column, no point.
    day({ day: '2014-01-03', database_rows: 1_800_000, selection: null, training: null }),
  ];

  it('stacks the five tasks of each day, every non-zero one a segment', () => {
    const charts = evaluationCharts(status(evaluation));
    expect(charts?.tasks).toContain('id="evaluation-tasks"');
    expect(marks(charts?.tasks ?? '')).toBe(5 + 4 + 3);
    for (const task of ['download', 'load', 'selection', 'training', 'publication']) {
      expect(charts?.tasks).toContain(task);
    }
    expect(charts?.tasks).toContain('<title>2014-01-02 load: 2.5</title>');
  });

  it("plots each measured day's selection against the rows in the database", () => {
    const svg = evaluationCharts(status(evaluation))?.selection ?? '';
    expect(svg).toContain('id="evaluation-selection"');
    expect(marks(svg)).toBe(2);
    expect(svg).toContain('2014-01-02: 0.05 s at 1500000 rows');
    expect(svg).toContain('rows in toar.data');
    // Round counts on the axis, not exponents.
    expect(svg).toMatch(/>1\.2M</);
    expect(svg).not.toMatch(/e\+6/);
  });

  it('is nothing without an evaluation (a status from freshet status)', () => {
    expect(evaluationCharts(status())).toBeUndefined();
    expect(evaluationCharts(status([]))).toBeUndefined();
  });
});

describe('a status snapshot with the evaluation', () => {
  it('keeps it, and reads one without it as having none', () => {
    const base = { days: [], last_success: null, rejected: {}, variables: [] };
    const evaluation = [day({})];
    const read = parseStatusSnapshot(JSON.stringify({ ...base, evaluation }), 's.json');
    expect(read.evaluation).toEqual(evaluation);
    expect(parseStatusSnapshot(JSON.stringify(base), 's.json').evaluation).toBeUndefined();
    expect(() =>
      parseStatusSnapshot(JSON.stringify({ ...base, evaluation: 'no' }), 's.json'),
    ).toThrow(/evaluation must be a list/);
  });
});
