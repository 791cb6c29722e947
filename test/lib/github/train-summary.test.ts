import { describe, expect, it } from 'vitest';
import {
  downsamplePredictions,
  MAX_CHART_POINTS,
  persistenceComparison,
  predictionChart,
  redactSecrets,
  renderSkippedSummary,
  renderTrainSummary,
} from '../../../actions/lib/github/train-summary.ts';
import type { Prediction } from '../../../actions/lib/training/run/run-predictions.ts';
import type { TrainingRunResult } from '../../../actions/lib/training/run/runner-options.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2014, 0, 1);
const RUN_ID = `3f2a9c1e${'ab'.repeat(12)}`;
const hour = (h: number) => new Date(T0 + h * HOUR).toISOString().replace('.000Z', 'Z');

const result: TrainingRunResult = {
  runId: RUN_ID,
  status: 'succeeded',
  experiment: 'ozone-forest',
  projectRef: 'training/ozone-forest',
  projectCommit: 'c0ffee'.repeat(6).slice(0, 40),
  entryPoint: 'main',
  command: "node train.ts --n-estimators '50'",
  parameters: { n_estimators: 50, seed: 0 },
  params: { n_estimators: 50, seed: 0, max_features: 1 },
  metrics: { rmse: 3, mae: 2.25, persistence_rmse: 4, skill: 0.25 },
  variable: 'o3',
  station: { id: 12, name: 'Lancaster', key: '34.8378,-118.1234' },
  from: T0,
  to: T0 + 48 * HOUR,
  rows: 48,
  tableSha256: 'f'.repeat(64),
  features: { names: ['o3_lag0', 'o3_lag1', 'hour_sin'], rows: 40, skippedForGaps: 2 },
  tables: { training: `public.freshet_training_${RUN_ID}`, kept: false },
  artifacts: [
    { name: 'metrics.json', size: 80, sha256: 'a'.repeat(64) },
    { name: 'predictions.csv', size: 1234, sha256: 'b'.repeat(64) },
  ],
  artifactsDir: `/runner/_temp/freshet/runs/${RUN_ID}`,
  environment: {
    node: 'v24.21.0',
    platform: 'linux-x64',
    lockfile: { path: '../../package-lock.json', sha256: 'd'.repeat(64), install: 'workspace' },
  },
  error: null,
  startedAt: T0 + 100 * HOUR,
  finishedAt: T0 + 100 * HOUR + 42_500,
  seconds: 42.5,
};

/** `n` hourly rows from 2014-01-01T00, observed = the hour, predicted = the hour + 0.5. */
function rows(n: number): Prediction[] {
  return Array.from({ length: n }, (_, h) => ({ time: hour(h), observed: h, predicted: h + 0.5 }));
}

describe('downsamplePredictions', () => {
  it('keeps every row up to the limit', () => {
    expect(downsamplePredictions(rows(3), 3)).toEqual({
      observed: [0, 1, 2],
      predicted: [0.5, 1.5, 2.5],
      rowsPerPoint: 1,
    });
  });

  it('averages runs of consecutive rows of nearly equal length beyond it', () => {
    // 7 rows into 3 points: rows [0, 2), [2, 4), [4, 7).
    expect(downsamplePredictions(rows(7), 3)).toEqual({
      observed: [0.5, 2.5, 5],
      predicted: [1, 3, 5.5],
      rowsPerPoint: 3,
    });
  });

  it('gives at most 200 points by default', () => {
    const series = downsamplePredictions(rows(8760));
    expect(MAX_CHART_POINTS).toBe(200);
    expect(series.observed).toHaveLength(200);
    expect(series.predicted).toHaveLength(200);
    expect(series.rowsPerPoint).toBe(44);
    // 8,760 rows into 200 runs of 43 or 44: the first is rows 0 … 42, whose mean is 21.
    expect(series.observed[0]).toBe(21);
  });
});

describe('predictionChart', () => {
  it('draws observed and predicted as two lines of an xychart-beta, on a numeric x-axis', () => {
    expect(
      predictionChart(
        [
          { time: hour(1), observed: 31, predicted: 29.5 },
          { time: hour(2), observed: 30.25, predicted: 30.123456 },
          { time: hour(3), observed: -0.0001, predicted: 28 },
        ],
        { title: 'o3 at station 12 "Lancaster" `x`', variable: 'o3' },
      ),
    ).toBe(
      [
        '```mermaid',
        '---',
        'config:',
        '  themeVariables:',
        '    xyChart:',
        '      plotColorPalette: "#1f77b4, #ff7f0e"',
        '---',
        'xychart-beta',
        `    title "o3 at station 12 'Lancaster' x"`,
        '    x-axis "test hours, 2014-01-01T01:00:00Z to 2014-01-01T03:00:00Z" 1 --> 3',
        '    y-axis "o3"',
        '    line [31, 30.25, 0]',
        '    line [29.5, 30.12, 28]',
        '```',
      ].join('\n'),
    );
  });

  it('writes plain decimals with about four significant digits, never an exponent', () => {
    const chart = predictionChart(
      [
        { time: 'a', observed: 0.000123456, predicted: 0.0001 },
        { time: 'b', observed: 1e-9, predicted: 0 },
      ],
      { title: 't', variable: 'co' },
    );
    expect(chart).toContain('    line [0.000123, 0]');
    expect(chart).toContain('    line [0.0001, 0]');
    expect(chart).not.toMatch(/\de-?\d/);
  });

  it('spans the x-axis over all rows when it draws fewer points', () => {
    const chart = predictionChart(rows(1000), { title: 't', variable: 'o3' });
    expect(chart).toContain(
      '    x-axis "test hours, 2014-01-01T00:00:00Z to 2014-02-11T15:00:00Z" 1 --> 1000',
    );
    const lines = chart.split('\n').filter((l) => l.startsWith('    line ['));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.split(',')).toHaveLength(MAX_CHART_POINTS);
    expect(lines[0]).toMatch(/^ {4}line \[2, 7, 12, /);
  });
});

describe('persistenceComparison', () => {
  it('says by how much the model beats persistence, with both RMSEs and the skill', () => {
    expect(persistenceComparison({ rmse: 3, persistence_rmse: 4, skill: 0.25 })).toBe(
      [
        "The model beats persistence: its RMSE is 25.0 % lower than the baseline's.",
        '',
        '| forecast | RMSE |',
        '| :--- | ---: |',
        '| model | 3 |',
        '| persistence (the next hour is like this one) | 4 |',
        '',
        'Skill (1 − rmse / persistence_rmse): **0.25**',
      ].join('\n'),
    );
  });

  it('says when the model does worse, computing the skill when the run did not', () => {
    const text = persistenceComparison({ rmse: 5, persistence_rmse: 4 });
    expect(text).toMatch(/^The model does worse than persistence: its RMSE is 25\.0 % higher/);
    expect(text).toContain('Skill (1 − rmse / persistence_rmse): **-0.25**');
  });

  it('says when persistence is exact, and when there is nothing to compare', () => {
    expect(persistenceComparison({ rmse: 0.5, persistence_rmse: 0 })).toMatch(
      /^Persistence is exact on this test window/,
    );
    expect(persistenceComparison({ rmse: 3 })).toBe(
      'The run reported no `rmse` and `persistence_rmse` metrics, so it cannot be compared with the persistence baseline.',
    );
    expect(persistenceComparison(null)).toMatch(/cannot be compared/);
  });
});

describe('renderTrainSummary', () => {
  const summary = renderTrainSummary(result, {
    trigger: 'push',
    predictions: { kind: 'read', rows: rows(48) },
  });

  it('says what ran, and how', () => {
    expect(summary).toMatch(/^## Training ozone-forest succeeded\n\n/);
    expect(summary).toContain(
      `Run \`${RUN_ID}\` of \`training/ozone-forest\` at \`c0ffeec0ffee\`, entry point \`main\`, started by a push event, took 42.5s.`,
    );
    expect(summary).not.toContain('### Why it failed');
  });

  it('tabulates the parameters (as logged) and the metrics', () => {
    expect(summary).toContain(
      '### Parameters\n\n| parameter | value |\n| :--- | :--- |\n| n_estimators | 50 |\n| seed | 0 |\n| max_features | 1 |',
    );
    expect(summary).toContain(
      '### Metrics\n\n| metric | value |\n| :--- | ---: |\n| rmse | 3 |\n| mae | 2.25 |\n| persistence_rmse | 4 |\n| skill | 0.25 |',
    );
    expect(summary).toContain('### Compared with persistence\n\nThe model beats persistence');
  });

  it('charts observed and predicted, one point per test row', () => {
    expect(summary).toContain('### Observed and predicted\n\n```mermaid\n');
    expect(summary).toContain(
      '    title "o3 at station 12 Lancaster: observed and predicted"\n    x-axis "test hours, 2014-01-01T00:00:00Z to 2014-01-02T23:00:00Z" 1 --> 48\n',
    );
    expect(summary).toContain(
      'Observed in blue, predicted in orange: one point per test row (48).',
    );
  });

  it('describes the data, the environment and the artifacts', () => {
    expect(summary).toContain('| station | 12 Lancaster (34.8378,-118.1234) |');
    expect(summary).toContain('| window | [2014-01-01T00:00:00Z, 2014-01-03T00:00:00Z) |');
    expect(summary).toContain('| rows (hours) | 48 |');
    expect(summary).toContain(`| table sha256 | ${'f'.repeat(64)} |`);
    expect(summary).toContain('| features | 40 rows × 3 columns (2 hours skipped for gaps) |');
    expect(summary).toContain('| node | v24.21.0 |');
    expect(summary).toContain(
      `| lockfile ../../package-lock.json (workspace) | ${'d'.repeat(64)} |`,
    );
    expect(summary).toContain(
      `In \`/runner/_temp/freshet/runs/${RUN_ID}\`, uploaded with the workflow run.`,
    );
    expect(summary).toContain(`| predictions.csv | 1,234 | ${'b'.repeat(64)} |`);
  });

  it('says why a run failed, in a block its text cannot break out of, with secrets masked', () => {
    const failed = renderTrainSummary(
      {
        ...result,
        status: 'failed',
        metrics: null,
        params: null,
        environment: null,
        error:
          'the command exited with status 3; its last lines:\n```\nconnecting to postgres://u:s3cret@db/x',
      },
      {
        trigger: '',
        predictions: { kind: 'missing' },
        secrets: ['s3cret', 'postgres://u:s3cret@db/x'],
      },
    );
    expect(failed).toMatch(/^## Training ozone-forest failed\n/);
    expect(failed).toContain('started by hand');
    expect(failed).toContain(
      '### Why it failed\n\n```text\nthe command exited with status 3; its last lines:\n`\u200b`\u200b`\nconnecting to ***\n```',
    );
    expect(failed).not.toContain('s3cret');
    expect(failed).toContain('The run failed before its metrics were read.');
    expect(failed).toContain('The run wrote no predictions.csv (time,observed,predicted)');
    expect(failed).toContain('Not recorded: the run failed before its environment was described.');
    expect(failed).not.toContain('```mermaid');
  });

  it('says why there is no chart when predictions.csv is malformed or too short', () => {
    const invalid = renderTrainSummary(result, {
      trigger: 'push',
      predictions: { kind: 'invalid', problems: ['predictions.csv line 2 is bad'] },
    });
    expect(invalid).toContain(
      'predictions.csv cannot be charted:\n\n- predictions.csv line 2 is bad',
    );
    const one = renderTrainSummary(result, {
      trigger: 'push',
      predictions: { kind: 'read', rows: rows(1) },
    });
    expect(one).toContain('predictions.csv holds 1 row: too few to chart.');
  });

  it('says how many points stand for how many rows when it downsamples', () => {
    const long = renderTrainSummary(result, {
      trigger: 'push',
      predictions: { kind: 'read', rows: rows(1000) },
    });
    expect(long).toContain(
      'Observed in blue, predicted in orange: 200 points, each the mean of up to 5 consecutive test rows (1,000 in all).',
    );
  });
});

describe('renderSkippedSummary', () => {
  it('says which project was not trained, and why', () => {
    const now = T0 + 100 * HOUR;
    const last = { id: RUN_ID, startedAt: now - 2 * HOUR };
    expect(
      renderSkippedSummary(
        {
          experiment: 'ozone-forest',
          decision: {
            train: false,
            why: 'recent',
            trigger: 'workflow_run',
            last,
            nextAt: last.startedAt + 24 * HOUR,
          },
        },
        { project: 'training/ozone-forest', everyMs: 24 * HOUR, now },
      ),
    ).toBe(
      [
        '## Training ozone-forest skipped',
        '',
        'Project `training/ozone-forest`, started by a workflow_run event, which trains at most once per 1d.',
        '',
        'Not training ozone-forest: its last successful run, 3f2a9c1e, started 2014-01-05T02:00:00Z (2h00m ago), less than train-every (1d) ago. Training is due again from 2014-01-06T02:00:00Z; a push to the project or a manual run trains at once.',
        '',
      ].join('\n'),
    );
  });
});

describe('redactSecrets', () => {
  it('masks the longest secret first, so a URL goes whole', () => {
    expect(redactSecrets('a postgres://u:pw@h b pw', ['pw', 'postgres://u:pw@h', ''])).toBe(
      'a *** b ***',
    );
  });
});

describe('train-summary.ts as a renderer', () => {
  it('pulls in no database, file system or child process: only pure modules of the library', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [
        new URL('../../../actions/lib/github/train-summary.ts', import.meta.url).pathname,
      ],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.every((path) => path.startsWith('actions/lib/'))).toBe(true);
    const imports = Object.values(result.metafile.inputs).flatMap((i) =>
      i.imports.map((x) => x.path),
    );
    expect(imports.filter((path) => path.startsWith('node:') || path === 'pg')).toEqual([]);
  });
});
