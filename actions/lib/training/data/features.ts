// The feature pipeline: hourly series → feature rows. One module for training (buildFeatures), the
// runner's feature table and serving (buildFeatureRow), so that all three compute the same numbers.
// Web-standard (no node: imports): the Worker bundles it. Pure: no I/O, no clock.
import { UsageError } from '../../errors.ts';
import {
  type CalendarEncoding,
  type FeatureColumn,
  type FeatureSpec,
  featureColumns,
  maxLag,
  parseFeatureSpec,
} from './feature-spec.ts';
import { formatHour, HOUR_MS, isWholeHour } from './hours.ts';

export * from './feature-spec.ts';

/**
 * One variable's hourly means at one station: `times[i]` (epoch ms, the start of a whole UTC hour,
 * strictly increasing) has mean `values[i]` (finite). Hours without data are absent, never zero.
 */
export interface HourlySeries {
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** The series a feature row reads: the target, and every variable of `spec.others` by name. */
export interface FeatureInputs {
  readonly target: HourlySeries;
  readonly others?: Readonly<Record<string, HourlySeries>>;
}

/** The feature matrix of a series, one row per issue time with every observation it needs. */
export interface FeatureMatrix {
  /** Issue time of each row (epoch ms, whole hours, increasing). */
  readonly times: Float64Array;
  /** Row-major `nRows × nFeatures`, every value already a float32. */
  readonly x: Float32Array;
  /** The target's hourly mean at issue time + horizon, per row. */
  readonly y: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Column names, the signature (see `featureNames`). */
  readonly names: readonly string[];
  /**
   * Issue times between the first that has its whole history and the last that has its label
   * (both taken from the target series) that were left out because an observation was missing.
   */
  readonly skippedForGaps: number;
}

const TWO_PI = 2 * Math.PI;
const DAY_MS = 24 * HOUR_MS;

/**
 * The angle of an instant on one calendar cycle, in radians from 0 (inclusive) to 2π:
 * hour of the day h/24; day of the week d/7 with Monday 0; day of the year (d − 1)/N with N the
 * year's days (365 or 366), so 1 January is 0 and the year closes the circle, leap or not.
 */
export function calendarAngle(encoding: CalendarEncoding, ms: number): number {
  const date = new Date(ms);
  switch (encoding) {
    case 'hour':
      return (TWO_PI * date.getUTCHours()) / 24;
    case 'dayofweek':
      // getUTCDay counts from Sunday; ISO 8601 weeks start on Monday.
      return (TWO_PI * ((date.getUTCDay() + 6) % 7)) / 7;
    case 'dayofyear': {
      const year = date.getUTCFullYear();
      const start = new Date(0).setUTCFullYear(year, 0, 1);
      const days = (new Date(0).setUTCFullYear(year + 1, 0, 1) - start) / DAY_MS;
      return (TWO_PI * Math.floor((ms - start) / DAY_MS)) / days;
    }
  }
}

/** Observations by hour, checked. */
type HourIndex = ReadonlyMap<number, number>;

const MAX_LISTED = 5;

/** Indexes a series by hour, collecting every way it breaks the {@link HourlySeries} contract. */
function indexSeries(series: HourlySeries, label: string, problems: string[]): HourIndex {
  const index = new Map<number, number>();
  const { times, values } = series;
  if (times.length !== values.length) {
    problems.push(`${label} has ${times.length} times but ${values.length} values`);
    return index;
  }
  const found: string[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < times.length; i++) {
    // i < times.length === values.length (checked above).
    const time = times[i]!;
    const value = values[i]!;
    if (!isWholeHour(time)) found.push(`${label}.times[${i}] ${time} is not a whole UTC hour`);
    else if (time <= previous) {
      found.push(
        `${label}.times[${i}] ${formatHour(time)} does not come after ${formatHour(previous)}: times must increase`,
      );
    } else if (!Number.isFinite(value)) {
      found.push(`${label}.values[${i}] (${formatHour(time)}) is ${value}, not a finite number`);
    } else index.set(time, value);
    if (Number.isFinite(time)) previous = Math.max(previous, time);
  }
  problems.push(...found.slice(0, MAX_LISTED));
  if (found.length > MAX_LISTED) {
    problems.push(`${label} has ${found.length - MAX_LISTED} more such problems`);
  }
  return index;
}

/** A compiled row: per column, where its value comes from. */
interface RowPlan {
  readonly columns: readonly FeatureColumn[];
  /** Per column: the index of its variable's observations (lag columns only). */
  readonly sources: readonly (HourIndex | undefined)[];
  readonly horizonMs: number;
  /** The longest lag of any column: how much history a row needs. */
  readonly historyMs: number;
}

/** The observations lag column `j` reads: planRows gives every lag column its series. */
function lagSource(sources: RowPlan['sources'], j: number): HourIndex {
  const source = sources[j];
  if (source === undefined) throw new Error(`features: lag column ${j} has no series (a bug)`);
  return source;
}

/** Checks the spec and the series once, then compiles where each column reads from. */
function planRows(spec: FeatureSpec, inputs: FeatureInputs): { plan: RowPlan; target: HourIndex } {
  const checked = parseFeatureSpec(spec, 'feature specification');
  const problems: string[] = [];
  const target = indexSeries(inputs.target, 'target', problems);
  const indexes = new Map<string, HourIndex>([[checked.target, target]]);
  for (const other of checked.others ?? []) {
    const others = inputs.others ?? {};
    const series = Object.hasOwn(others, other.variable) ? others[other.variable] : undefined;
    if (series === undefined) {
      problems.push(
        `no ${other.variable} series was given, but the feature specification lists it in others`,
      );
    } else indexes.set(other.variable, indexSeries(series, `others.${other.variable}`, problems));
  }
  if (problems.length > 0) throw new UsageError(problems);
  const columns = featureColumns(checked);
  return {
    plan: {
      columns,
      sources: columns.map((c) => (c.kind === 'lag' ? indexes.get(c.variable) : undefined)),
      horizonMs: checked.horizon * HOUR_MS,
      historyMs: maxLag(checked) * HOUR_MS,
    },
    target,
  };
}

/**
 * Writes the row of `issueTime` into `out` from `offset`, stopping at the first missing
 * observation. Float32Array storage rounds every value to float32, as DESIGN.md requires.
 * @returns whether every observation was there
 */
function fillRow(plan: RowPlan, issueTime: number, out: Float32Array, offset: number): boolean {
  const targetTime = issueTime + plan.horizonMs;
  const { columns, sources } = plan;
  for (const [j, column] of columns.entries()) {
    if (column.kind === 'lag') {
      const value = lagSource(sources, j).get(issueTime - column.lag * HOUR_MS);
      if (value === undefined) return false;
      out[offset + j] = value;
    } else {
      const angle = calendarAngle(column.encoding, targetTime);
      out[offset + j] = column.part === 'sin' ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return true;
}

/**
 * Builds the feature matrix of `inputs` (training, and the runner's feature table).
 *
 * Every whole hour t from the target's first hour + the longest lag to its last hour − horizon is
 * an issue time; its row holds each column of `spec` and the label y = target at t + horizon.
 * Gaps are never bridged: a row with any observation missing (a lag of any variable, or the label)
 * is left out and counted in `skippedForGaps`, rather than shifting a neighbour into its place.
 *
 * @throws UsageError when the spec is invalid, a series breaks the {@link HourlySeries} contract,
 *   or a variable of `spec.others` has no series
 * @example
 * const m = buildFeatures(spec, { target: { times, values } });
 * m.x[r * m.nFeatures + j]  // feature j of row r, issued at m.times[r], labelled m.y[r]
 */
export function buildFeatures(spec: FeatureSpec, inputs: FeatureInputs): FeatureMatrix {
  const { plan, target } = planRows(spec, inputs);
  const nFeatures = plan.columns.length;
  const names = plan.columns.map((c) => c.name);
  const times = inputs.target.times;
  const empty = (skippedForGaps: number): FeatureMatrix => ({
    times: new Float64Array(0),
    x: new Float32Array(0),
    y: new Float64Array(0),
    nRows: 0,
    nFeatures,
    names,
    skippedForGaps,
  });
  const firstTime = times[0];
  const lastTime = times[times.length - 1];
  if (firstTime === undefined || lastTime === undefined) return empty(0);
  const first = firstTime + plan.historyMs;
  const last = lastTime - plan.horizonMs;
  if (last < first) return empty(0);
  const candidates = (last - first) / HOUR_MS + 1;
  const rowTimes = new Float64Array(candidates);
  const x = new Float32Array(candidates * nFeatures);
  const y = new Float64Array(candidates);
  let nRows = 0;
  for (let t = first; t <= last; t += HOUR_MS) {
    const label = target.get(t + plan.horizonMs);
    if (label === undefined || !fillRow(plan, t, x, nRows * nFeatures)) continue;
    rowTimes[nRows] = t;
    y[nRows] = label;
    nRows++;
  }
  return {
    times: rowTimes.slice(0, nRows),
    x: x.slice(0, nRows * nFeatures),
    y: y.slice(0, nRows),
    nRows,
    nFeatures,
    names,
    skippedForGaps: candidates - nRows,
  };
}

/**
 * Builds the one feature row of `issueTime` from recent observations (serving: the forecast for
 * issue time + horizon). Equal, value for value, to the row {@link buildFeatures} makes for the
 * same issue time; observations after the issue time are never read.
 *
 * @param issueTime the hour of the newest observation to use (epoch ms, a whole UTC hour)
 * @throws UsageError naming every missing observation (variable, hour and column), or as
 *   {@link buildFeatures} for an invalid spec or series
 * @example buildFeatureRow(spec, { target: { times, values } }, Date.UTC(2014, 0, 2, 5)) // Float32Array
 */
export function buildFeatureRow(
  spec: FeatureSpec,
  recent: FeatureInputs,
  issueTime: number,
): Float32Array {
  if (!isWholeHour(issueTime)) {
    throw new UsageError(`the issue time ${issueTime} is not a whole UTC hour (epoch ms)`);
  }
  const { plan } = planRows(spec, recent);
  const row = new Float32Array(plan.columns.length);
  if (fillRow(plan, issueTime, row, 0)) return row;
  const missing = plan.columns.flatMap((column, j) => {
    if (column.kind !== 'lag') return [];
    const hour = issueTime - column.lag * HOUR_MS;
    return lagSource(plan.sources, j).has(hour)
      ? []
      : [`no ${column.variable} observation for ${formatHour(hour)} (${column.name})`];
  });
  throw new UsageError(
    missing.map((m) => `cannot build the features of issue time ${formatHour(issueTime)}: ${m}`),
  );
}
