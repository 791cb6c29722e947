// The charts each page shows, from the site's data: metric by version, observed against predicted
// on a version's test window, feature importances, rejected lines by reason and the pipeline's time
// per task and day. Pure and Web-standard: SVG text the pages embed.
import type { StatusReport } from '../ingest/status.ts';
import { barChart, stackedColumns } from './charts/bar-chart.ts';
import { lineChart } from './charts/line-chart.ts';
import type { SiteModel, SiteVersion } from './site-data.ts';

/** Units of the variables as stored (DESIGN.md: gases in ppb, particles in µg/m³). */
const VARIABLE_UNITS: Readonly<Record<string, string>> = {
  o3: 'ppb',
  no2: 'ppb',
  so2: 'ppb',
  co: 'ppb',
  pm2p5: 'µg/m³',
  pm10: 'µg/m³',
  bc: 'µg/m³',
};

/** Metrics measured in the target's unit; the others (r2, skill) have none. */
const IN_TARGET_UNIT = new Set(['rmse', 'mae', 'persistence_rmse', 'bias']);

/** The unit of a variable, or `units` when unknown. */
export function unitOf(variable: string): string {
  return VARIABLE_UNITS[variable] ?? 'units';
}

/**
 * A metric's axis title: its name, with the target's unit when it is measured in it.
 *
 * @example metricTitle('rmse', 'o3') === 'rmse (ppb)'; metricTitle('r2', 'o3') === 'r2'
 */
export function metricTitle(metric: string, variable: string): string {
  return IN_TARGET_UNIT.has(metric) ? `${metric} (${unitOf(variable)})` : metric;
}

/** An id usable in HTML from any text. */
const slug = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '-');

/**
 * One chart per metric: its value for each version that has it (one point each).
 *
 * @example metricCharts(model).map((c) => c.svg)
 */
export function metricCharts(model: SiteModel): { metric: string; svg: string }[] {
  return model.metric_names.map((metric) => {
    const points = model.versions.flatMap((v) => {
      const value = v.manifest.metrics[metric];
      return value === undefined
        ? []
        : [{ x: v.version, y: value, label: `v${v.version}: ${value}` }];
    });
    return {
      metric,
      svg: lineChart({
        id: `metric-${slug(metric)}`,
        title: `${metric} by version`,
        description: `${metric} of ${points.length} versions of ${model.name}, on each version's own test window.`,
        xKind: 'integer',
        xTitle: 'version',
        yTitle: metricTitle(metric, model.variable),
        series: [{ name: metric, draw: 'points', points }],
        height: 220,
      }),
    };
  });
}

/** The most points a line keeps (every k-th beyond): a year of hours stays a light page. */
export const MAX_LINE_POINTS = 1500;

function thin<T>(items: readonly T[]): readonly T[] {
  if (items.length <= MAX_LINE_POINTS) return items;
  const every = Math.ceil(items.length / MAX_LINE_POINTS);
  return items.filter((_, i) => i % every === 0 || i === items.length - 1);
}

/**
 * Observed and predicted over the version's test window (two lines), or undefined without
 * predictions.
 */
export function predictionChart(model: SiteModel, version: SiteVersion): string | undefined {
  const rows = version.predictions;
  if (!rows || rows.length === 0) return undefined;
  const kept = thin(rows);
  const at = (time: string) => Date.parse(time);
  const unit = unitOf(version.manifest.data.variable);
  return lineChart({
    id: `predictions-v${version.version}`,
    title: `Observed and predicted ${version.manifest.data.variable}, test window of v${version.version}`,
    description: `${rows.length} hours from ${rows[0]?.time} to ${rows.at(-1)?.time}${kept.length < rows.length ? ` (every ${Math.ceil(rows.length / MAX_LINE_POINTS)}th hour drawn)` : ''}: the observed value and ${model.name} v${version.version}'s prediction.`,
    xKind: 'time',
    xTitle: 'hour predicted (UTC)',
    yTitle: `${version.manifest.data.variable} (${unit})`,
    series: [
      {
        name: 'observed',
        draw: 'line',
        points: kept.map((r) => ({ x: at(r.time), y: r.observed })),
      },
      {
        name: 'predicted',
        draw: 'line',
        points: kept.map((r) => ({ x: at(r.time), y: r.predicted })),
      },
    ],
    height: 300,
  });
}

/** The features shown, most important first. */
export const SHOWN_FEATURES = 20;

/** Feature importances as bars, or undefined when the version has none. */
export function importanceChart(version: SiteVersion): string | undefined {
  const importances = version.importances;
  if (!importances || importances.length === 0) return undefined;
  const shown = [...importances]
    .sort((a, b) => b.importance - a.importance)
    .slice(0, SHOWN_FEATURES);
  return barChart({
    id: `importances-v${version.version}`,
    title: `Feature importances of v${version.version}`,
    description: `The ${shown.length} most important of ${importances.length} features (mean decrease in impurity, summing to 1).`,
    valueTitle: 'share of impurity decrease',
    bars: shown.map((i) => ({ label: i.feature, value: i.importance })),
  });
}

/** Rejected lines by reason, or undefined when there are none. */
export function rejectedChart(status: StatusReport): string | undefined {
  const reasons = Object.entries(status.rejected).sort((a, b) => b[1] - a[1]);
  if (reasons.length === 0) return undefined;
  return barChart({
    id: 'rejected',
    title: 'Rejected lines by reason',
    description: `${reasons.reduce((n, [, c]) => n + c, 0)} rejected lines, by the rule that rejected them.`,
    valueTitle: 'lines',
    bars: reasons.map(([label, value]) => ({ label, value })),
  });
}

/** The days the timings chart shows at most (the newest). */
export const TIMING_DAYS = 60;

/** Seconds per task and day (list, load, training), or undefined without timings. */
export function timingsChart(status: StatusReport): string | undefined {
  const days = status.timings.slice(-TIMING_DAYS);
  if (days.length === 0) return undefined;
  return stackedColumns({
    id: 'timings',
    title: 'Pipeline time per task and day',
    description: `Seconds spent listing and loading each day's intervals and training on it, for ${days.length} days.`,
    valueTitle: 'seconds',
    xTitle: 'UTC day',
    categories: ['list objects', 'load', 'training'],
    columns: days.map((d) => ({
      label: d.day,
      values: [d.list_ms / 1000, d.load_ms / 1000, d.training_ms / 1000],
    })),
  });
}

/** The original evaluation's tasks, in the order of `npm start`'s table. */
const EVALUATION_TASKS = ['download', 'load', 'selection', 'training', 'publication'] as const;

/**
 * `npm start`'s evaluation: seconds per task and day (stacked columns), and the selection's time
 * against the database's size (the original design's grew with it), or undefined without one.
 *
 * @example evaluationCharts(status)?.selection // '<svg …'
 */
export function evaluationCharts(
  status: StatusReport,
): { tasks: string; selection: string } | undefined {
  const days = status.evaluation ?? [];
  if (days.length === 0) return undefined;
  const tasks = stackedColumns({
    id: 'evaluation-tasks',
    title: 'Time per task and day',
    description: `Seconds per task of the original evaluation for ${days.length} days of npm start: download (listing the day's objects), load (read, convert, load), selection, training, publication.`,
    valueTitle: 'seconds',
    xTitle: 'day',
    categories: [...EVALUATION_TASKS],
    columns: days.map((d) => ({
      label: d.day,
      values: EVALUATION_TASKS.map((task) => d[task] ?? 0),
    })),
  });
  const measured = days.filter((d) => d.selection !== null);
  const selection = lineChart({
    id: 'evaluation-selection',
    title: 'Selection time against database size',
    description: `Seconds selecting the station's ozone (and building its features) each day, against the rows of toar.data then: ${measured.length} days.`,
    xKind: 'number',
    xTitle: 'rows in toar.data',
    yTitle: 'selection (seconds)',
    series: [
      {
        name: 'selection',
        draw: 'points',
        points: measured.map((d) => ({
          x: d.database_rows,
          y: d.selection ?? 0,
          label: `${d.day}: ${d.selection} s at ${d.database_rows} rows`,
        })),
      },
    ],
    height: 240,
  });
  return { tasks, selection };
}
