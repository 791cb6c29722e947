// What a train job shows on its run page: parameters, metrics, the comparison with the persistence
// baseline, a chart of observed vs predicted (Mermaid's xychart-beta, which job summaries render),
// the data, the environment and the artifacts — or why it did not train. Pure: the train action
// hands these strings to @actions/core.
import { formatDuration } from '../interval/duration.ts';
import { formatInstant } from '../interval/instant.ts';
import { parameterText } from '../training/project/parameters.ts';
import type { Prediction, RunPredictions } from '../training/run/run-predictions.ts';
import type { TrainingRunResult } from '../training/run/runner-options.ts';
import { formatMetric, formatSeconds } from '../training/run/runs-format.ts';
import { describeTrainingDecision, type ScheduleCheck } from '../training/run/schedule.ts';
import { formatCount, markdownTable } from './markdown.ts';

/** At most this many points per line of the chart: more only blur into each other. */
export const MAX_CHART_POINTS = 200;

/** At most this many artifacts are listed (a job summary holds 1 MiB). */
const MAX_ARTIFACT_ROWS = 100;

/** The two series' colours, named in the caption (the chart has no legend). */
const OBSERVED_COLOUR = '#1f77b4';
const PREDICTED_COLOUR = '#ff7f0e';

/** The chart's series, each point the mean of up to `rowsPerPoint` consecutive rows. */
export interface ChartSeries {
  readonly observed: readonly number[];
  readonly predicted: readonly number[];
  readonly rowsPerPoint: number;
}

/**
 * Reduces rows to at most `maxPoints` points: consecutive rows are split into `maxPoints` runs of
 * nearly equal length (they differ by at most one row), and each run is averaged, so peaks are
 * smoothed rather than skipped at random.
 *
 * @example downsamplePredictions(fiveHundredRows, 200).rowsPerPoint // 3 (runs of 2 or 3 rows)
 */
export function downsamplePredictions(
  rows: readonly Prediction[],
  maxPoints: number = MAX_CHART_POINTS,
): ChartSeries {
  if (rows.length <= maxPoints) {
    return {
      observed: rows.map((r) => r.observed),
      predicted: rows.map((r) => r.predicted),
      rowsPerPoint: 1,
    };
  }
  const observed: number[] = [];
  const predicted: number[] = [];
  for (let j = 0; j < maxPoints; j++) {
    const from = Math.floor((j * rows.length) / maxPoints);
    const to = Math.floor(((j + 1) * rows.length) / maxPoints);
    let o = 0;
    let p = 0;
    for (const row of rows.slice(from, to)) {
      o += row.observed;
      p += row.predicted;
    }
    observed.push(o / (to - from));
    predicted.push(p / (to - from));
  }
  return { observed, predicted, rowsPerPoint: Math.ceil(rows.length / maxPoints) };
}

/**
 * Decimals that keep about four significant digits of the largest value, from 0 to 6: Mermaid
 * reads plain decimals only (no exponent), and 200 points of 17 digits would bloat the summary.
 */
function chartDecimals(values: readonly number[]): number {
  const largest = values.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
  if (largest === 0) return 0;
  return Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(largest))));
}

function chartNumber(value: number, decimals: number): string {
  // Number() drops trailing zeros; `+ 0` turns -0 into 0.
  return String(Number(value.toFixed(decimals)) + 0);
}

/** Text safe inside a Mermaid string: no quotes, backticks (which could close the fence) or breaks. */
function mermaidText(text: string): string {
  return text.replace(/"/g, "'").replace(/`/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * A Mermaid `xychart-beta` block of observed (first line) and predicted (second line) values, at
 * most {@link MAX_CHART_POINTS} points each. The x-axis counts test rows (numeric, so Mermaid puts
 * a few labels on it rather than one per point); the y-axis is the variable.
 *
 * @param rows at least two, in time order
 * @example
 * predictionChart(rows, { title: 'o3 at 12 Lancaster', variable: 'o3' })
 * // ```mermaid
 * // ---
 * // config: …
 * // ---
 * // xychart-beta
 * //     title "o3 at 12 Lancaster"
 * //     x-axis "test hours, 2014-01-02T00:00:00Z to 2014-01-02T23:00:00Z" 1 --> 24
 * //     y-axis "o3"
 * //     line [31, 30.5, …]
 * //     line [29.8, 30.1, …]
 * // ```
 */
export function predictionChart(
  rows: readonly Prediction[],
  labels: { readonly title: string; readonly variable: string },
  maxPoints: number = MAX_CHART_POINTS,
): string {
  const series = downsamplePredictions(rows, maxPoints);
  const decimals = chartDecimals([...series.observed, ...series.predicted]);
  const line = (values: readonly number[]) =>
    `    line [${values.map((v) => chartNumber(v, decimals)).join(', ')}]`;
  const first = rows.at(0)?.time ?? '';
  const last = rows.at(-1)?.time ?? '';
  return [
    '```mermaid',
    '---',
    'config:',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${OBSERVED_COLOUR}, ${PREDICTED_COLOUR}"`,
    '---',
    'xychart-beta',
    `    title "${mermaidText(labels.title)}"`,
    `    x-axis "${mermaidText(`test hours, ${first} to ${last}`)}" 1 --> ${rows.length}`,
    `    y-axis "${mermaidText(labels.variable)}"`,
    line(series.observed),
    line(series.predicted),
    '```',
  ].join('\n');
}

/** What the summary says besides the run itself. */
export interface TrainSummaryContext {
  /** The event that started the run (`push`, `workflow_run`, …), '' when unknown. */
  readonly trigger: string;
  readonly predictions: RunPredictions;
  /** Strings replaced by `***` wherever they appear (the database URL and its password). */
  readonly secrets?: readonly string[];
}

/** Replaces every secret in `text`, longest first (a password inside a URL is masked with it). */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  return [...secrets]
    .filter((s) => s !== '')
    .sort((a, b) => b.length - a.length)
    .reduce((out, secret) => out.split(secret).join('***'), text);
}

function stationText(result: TrainingRunResult): string {
  const { id, name, key } = result.station;
  return `${id} ${name} (${key})`;
}

/** A fenced block that text cannot break out of. */
function codeBlock(text: string): string {
  return ['```text', text.replace(/`{3,}/g, (m) => m.split('').join('\u200b')), '```'].join('\n');
}

function parametersSection(result: TrainingRunResult): string {
  // The entry point's parameters, overlaid by what the project logged (it knows what it used).
  const all = { ...result.parameters, ...(result.params ?? {}) };
  const names = Object.keys(all);
  if (names.length === 0) return 'The run has no parameters.';
  return markdownTable(
    [{ header: 'parameter' }, { header: 'value' }],
    names.map((name) => [name, parameterText(all[name]) ?? '']),
  );
}

function metricsSection(result: TrainingRunResult): string {
  const metrics = Object.entries(result.metrics ?? {});
  if (metrics.length === 0) {
    return result.status === 'failed'
      ? 'The run failed before its metrics were read.'
      : 'The run reported no metrics.';
  }
  return markdownTable(
    [{ header: 'metric' }, { header: 'value', align: 'right' }],
    metrics.map(([name, value]) => [name, formatMetric(value)]),
  );
}

/**
 * The model against persistence ("the next hour is like this one"), the baseline a forecast has to
 * beat: a sentence and a table of both RMSEs and the skill, 1 − rmse / persistence_rmse.
 */
export function persistenceComparison(metrics: Readonly<Record<string, number>> | null): string {
  const rmse = metrics?.rmse;
  const baseline = metrics?.persistence_rmse;
  if (rmse === undefined || baseline === undefined) {
    return 'The run reported no `rmse` and `persistence_rmse` metrics, so it cannot be compared with the persistence baseline.';
  }
  const skill = metrics?.skill ?? (baseline > 0 ? 1 - rmse / baseline : undefined);
  let sentence: string;
  if (baseline === 0) {
    sentence =
      'Persistence is exact on this test window (the observations do not change), so skill means nothing here.';
  } else {
    const change = Math.abs(1 - rmse / baseline) * 100;
    const percent = `${change.toFixed(1)} %`;
    sentence =
      rmse < baseline
        ? `The model beats persistence: its RMSE is ${percent} lower than the baseline's.`
        : rmse > baseline
          ? `The model does worse than persistence: its RMSE is ${percent} higher than the baseline's.`
          : 'The model is exactly as good as persistence.';
  }
  const table = markdownTable(
    [{ header: 'forecast' }, { header: 'RMSE', align: 'right' }],
    [
      ['model', formatMetric(rmse)],
      ['persistence (the next hour is like this one)', formatMetric(baseline)],
    ],
  );
  const skillLine =
    skill === undefined
      ? ''
      : `\n\nSkill (1 − rmse / persistence_rmse): **${formatMetric(skill)}**`;
  return `${sentence}\n\n${table}${skillLine}`;
}

function chartSection(result: TrainingRunResult, predictions: RunPredictions): string {
  if (predictions.kind === 'missing') {
    return 'The run wrote no predictions.csv (time,observed,predicted), so there is nothing to chart.';
  }
  if (predictions.kind === 'invalid') {
    return `predictions.csv cannot be charted:\n\n${predictions.problems.map((p) => `- ${p}`).join('\n')}`;
  }
  const rows = predictions.rows;
  if (rows.length < 2) {
    return `predictions.csv holds ${rows.length} row${rows.length === 1 ? '' : 's'}: too few to chart.`;
  }
  const series = downsamplePredictions(rows);
  const chart = predictionChart(rows, {
    title: `${result.variable} at station ${result.station.id} ${result.station.name}: observed and predicted`,
    variable: result.variable,
  });
  const points =
    series.rowsPerPoint === 1
      ? `one point per test row (${formatCount(rows.length)})`
      : `${formatCount(series.observed.length)} points, each the mean of up to ${series.rowsPerPoint} consecutive test rows (${formatCount(rows.length)} in all)`;
  return `${chart}\n\nObserved in blue, predicted in orange: ${points}.`;
}

function dataSection(result: TrainingRunResult): string {
  const window =
    result.from === null || result.to === null
      ? 'not selected'
      : `[${formatInstant(result.from)}, ${formatInstant(result.to)})`;
  const rows: [string, string][] = [
    ['station', stationText(result)],
    ['variable', result.variable],
    ['window', window],
    ['rows (hours)', result.rows === null ? '' : formatCount(result.rows)],
    ['table sha256', result.tableSha256 ?? ''],
  ];
  if (result.features) {
    const { rows: n, names, skippedForGaps } = result.features;
    rows.push([
      'features',
      `${formatCount(n)} rows × ${names.length} columns (${formatCount(skippedForGaps)} hours skipped for gaps)`,
    ]);
  }
  return markdownTable([{ header: 'data' }, { header: 'value' }], rows);
}

function environmentSection(result: TrainingRunResult): string {
  const env = result.environment;
  if (env === null) return 'Not recorded: the run failed before its environment was described.';
  const rows: [string, string][] = [
    ['node', env.node],
    ['platform', env.platform],
  ];
  if (env.lockfile) {
    rows.push([`lockfile ${env.lockfile.path} (${env.lockfile.install})`, env.lockfile.sha256]);
  }
  if (env.python) {
    rows.push(['python', `${env.python.version} (${env.python.source})`]);
    if (env.python.requirementsSha256) {
      rows.push(['requirements.txt sha256', env.python.requirementsSha256]);
    }
    rows.push([
      'python packages',
      `${formatCount(Object.keys(env.python.packages).length)} (listed in the run's record)`,
    ]);
  }
  return markdownTable([{ header: 'environment' }, { header: 'value' }], rows);
}

function artifactsSection(result: TrainingRunResult): string {
  if (result.artifacts.length === 0) return 'The run left no artifacts.';
  const shown = result.artifacts.slice(0, MAX_ARTIFACT_ROWS);
  const table = markdownTable(
    [{ header: 'artifact' }, { header: 'bytes', align: 'right' }, { header: 'sha256' }],
    shown.map((a) => [a.name, formatCount(a.size), a.sha256]),
  );
  const more = result.artifacts.length - shown.length;
  return (
    `In \`${result.artifactsDir}\`, uploaded with the workflow run.\n\n${table}` +
    (more > 0 ? `\n\n${formatCount(more)} more artifacts are not listed.` : '')
  );
}

/**
 * Renders a training job's summary.
 *
 * @example
 * await core.summary.addRaw(renderTrainSummary(result, { trigger: 'push', predictions })).write();
 */
export function renderTrainSummary(
  result: TrainingRunResult,
  context: TrainSummaryContext,
): string {
  const commit = result.projectCommit ? ` at \`${result.projectCommit.slice(0, 12)}\`` : '';
  const trigger = context.trigger ? `a ${context.trigger} event` : 'hand';
  const sections = [
    `## Training ${result.experiment} ${result.status}`,
    `Run \`${result.runId}\` of \`${result.projectRef}\`${commit}, entry point \`${result.entryPoint}\`, ` +
      `started by ${trigger}, took ${formatSeconds(result.seconds * 1000)}.`,
  ];
  if (result.error !== null) sections.push('### Why it failed', codeBlock(result.error));
  sections.push(
    '### Parameters',
    parametersSection(result),
    '### Metrics',
    metricsSection(result),
    '### Compared with persistence',
    persistenceComparison(result.metrics),
    '### Observed and predicted',
    chartSection(result, context.predictions),
    '### Data',
    dataSection(result),
    '### Environment',
    environmentSection(result),
    '### Artifacts',
    artifactsSection(result),
  );
  return redactSecrets(`${sections.join('\n\n')}\n`, context.secrets);
}

/**
 * Renders the summary of a job that did not train: which project, and why (the last successful run
 * and when the next is due).
 *
 * @example
 * await core.summary.addRaw(renderSkippedSummary(check, { project, everyMs, now })).write();
 */
export function renderSkippedSummary(
  check: ScheduleCheck,
  context: { readonly project: string; readonly everyMs: number; readonly now: number },
): string {
  const name = check.experiment ?? context.project;
  const sentence = describeTrainingDecision(check.decision, {
    experiment: check.experiment,
    everyMs: context.everyMs,
    now: context.now,
  });
  return [
    `## Training ${name} skipped`,
    `Project \`${context.project}\`, started by a ${check.decision.trigger} event, which trains at most once per ${formatDuration(context.everyMs)}.`,
    sentence,
  ]
    .join('\n\n')
    .concat('\n');
}
