// Recorded runs as text for a terminal (the run table, a comparison) and as JSON. Pure.
import { printable, printableLines } from '../../util/printable.ts';
import { formatTable } from '../../util/table.ts';
import type { TrainingRunRecord } from './run-record.ts';
import type { TrainingRunResult } from './runner-options.ts';
import type { ComparedValue, RunComparison } from './runs.ts';

/** Metric columns the run table shows at most. */
const MAX_METRIC_COLUMNS = 4;
/** Characters of a run id the run table shows (any unique prefix of 4 or more finds a run). */
export const SHORT_ID = 8;

/** A duration as a person reads it: `0.8s`, `42.5s`, `4m05s`, `1h02m`. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A metric value in at most 4 significant digits (`3.142`, `1234`, `0.0001235`). */
export function formatMetric(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** An instant to the minute, UTC: `2026-11-24 12:05`. */
function formatStart(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The metrics the run table shows: those most runs have (ties by name), at most
 * {@link MAX_METRIC_COLUMNS}.
 */
export function mainMetrics(runs: readonly TrainingRunRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) {
    for (const name of Object.keys(run.metrics ?? {}))
      counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_METRIC_COLUMNS)
    .map(([name]) => name);
}

function stationLabel(run: TrainingRunRecord): string {
  if (run.stationId === null) return '';
  const name = run.stationName ?? '';
  const short = name.length > 20 ? `${name.slice(0, 19)}…` : name;
  return short ? `${run.stationId} ${short}` : String(run.stationId);
}

/**
 * The run table, as MLflow's: id (first 8 digits), experiment, status, start (UTC), duration,
 * station, rows, the main metrics, tags.
 *
 * @example formatRunsTable(runs)
 * // id        experiment    status     start             duration  station   rows  rmse   tags
 * // 3f2a9c1e  ozone-forest  succeeded  2026-11-24 12:05  42.5s     12 Lanc…  8760  3.142  trigger=push
 */
export function formatRunsTable(runs: readonly TrainingRunRecord[]): string {
  if (runs.length === 0) return 'no training runs recorded';
  const metrics = mainMetrics(runs);
  const headers = [
    'id',
    'experiment',
    'status',
    'start',
    'duration',
    'station',
    'rows',
    ...metrics,
    'tags',
  ];
  const rows = runs.map((run) => [
    run.id.slice(0, SHORT_ID),
    run.experiment,
    run.status,
    formatStart(run.startedAt),
    run.durationMs === null ? '' : formatSeconds(run.durationMs),
    stationLabel(run),
    run.rows ?? '',
    ...metrics.map((name) => {
      const value = run.metrics?.[name];
      return value === undefined ? '' : formatMetric(value);
    }),
    Object.entries(run.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  ]);
  return formatTable(headers, rows);
}

function section(title: string, comparison: RunComparison, values: readonly ComparedValue[]) {
  if (values.length === 0) return `${title}: none`;
  const rows = values.map((v) => [v.name, v.a, v.b, v.same ? '' : '≠']);
  return `${title}\n${formatTable(['', label(comparison.a), label(comparison.b), ''], rows)}`;
}

const label = (run: TrainingRunRecord) => run.id.slice(0, SHORT_ID);

/**
 * Two runs side by side: run, parameters, metrics (with B − A), data, environment. Rows that
 * differ are marked `≠`.
 */
export function formatRunComparison(comparison: RunComparison): string {
  const metrics =
    comparison.metrics.length === 0
      ? 'metrics: none'
      : `metrics\n${formatTable(
          ['', label(comparison.a), label(comparison.b), 'B − A'],
          comparison.metrics.map((m) => [
            m.name,
            m.a === null ? '' : formatMetric(m.a),
            m.b === null ? '' : formatMetric(m.b),
            m.difference === null
              ? ''
              : `${m.difference > 0 ? '+' : ''}${formatMetric(m.difference)}`,
          ]),
        )}`;
  return [
    section('run', comparison, comparison.run),
    section('parameters', comparison, comparison.params),
    metrics,
    section('data', comparison, comparison.data),
    section('environment', comparison, comparison.environment),
  ].join('\n\n');
}

/** A run as one JSON object for `freshet runs --json` (snake_case, instants as ISO text). */
export function runToJson(run: TrainingRunRecord): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    run_id: run.id,
    experiment: run.experiment,
    status: run.status,
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    seconds: run.durationMs === null ? null : run.durationMs / 1000,
    project: run.projectRef,
    commit: run.projectCommit,
    entry_point: run.entryPoint,
    parameters: run.parameters,
    params: run.params,
    metrics: run.metrics,
    tags: run.tags,
    station_id: run.stationId,
    station_name: run.stationName,
    variable: run.variable,
    from: iso(run.from),
    to: iso(run.to),
    rows: run.rows,
    table_sha256: run.tableSha256,
    artifacts: run.artifacts,
    error: run.error,
  };
}

/**
 * The line `freshet train --json` prints last:
 * `{"run_id","status","rows","metrics","artifacts","seconds"}`, and `error` when the run failed.
 */
export function trainingResultJson(result: TrainingRunResult): string {
  return JSON.stringify({
    run_id: result.runId,
    status: result.status,
    rows: result.rows,
    metrics: result.metrics ?? {},
    artifacts: result.artifacts,
    seconds: result.seconds,
    ...(result.error !== null ? { error: result.error } : {}),
  });
}

/**
 * A finished run for a person: what ran, on which data, the metrics and where the artifacts are.
 * Names and the error show control characters escaped (`printable`); the JSON keeps them.
 */
export function formatTrainingResult(result: TrainingRunResult): string {
  const iso = (ms: number | null) => (ms === null ? '?' : new Date(ms).toISOString());
  const lines = [
    `run ${result.runId} ${result.status} in ${result.seconds}s`,
    `  project   ${result.experiment} (${result.projectRef}${result.projectCommit ? ` at ${result.projectCommit.slice(0, 12)}` : ''}), entry point ${result.entryPoint}`,
    `  data      ${result.variable} at station ${result.station.id} ${result.station.name}, ${iso(result.from)} to ${iso(result.to)}, ${result.rows ?? 0} rows`,
  ];
  if (result.metrics) {
    const metrics = Object.entries(result.metrics).map(([k, v]) => `${k} ${formatMetric(v)}`);
    lines.push(`  metrics   ${metrics.join(', ') || 'none'}`);
  }
  if (result.artifacts.length > 0) {
    lines.push(
      `  artifacts ${result.artifacts.map((a) => a.name).join(', ')} in ${result.artifactsDir}`,
    );
  }
  const shown = lines.map(printable);
  if (result.error) {
    shown.push(`  error     ${printableLines(result.error).split('\n').join('\n            ')}`);
  }
  return shown.join('\n');
}
