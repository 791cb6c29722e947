// The forecast route's arithmetic: recent hourly observations of the target → the next hours, one
// step at a time, each step's prediction becoming an observation of the next. Rows are built by the
// training library's buildFeatureRow (the same numbers as training's buildFeatures) and evaluated by
// predictCompact (equal, bit for bit, to the library's predictRow). Pure.
import { UsageError } from '../../actions/lib/errors.ts';
import { type FeatureSpec, maxLag } from '../../actions/lib/training/data/feature-spec.ts';
import { buildFeatureRow } from '../../actions/lib/training/data/features.ts';
import { formatHour, HOUR_MS, isWholeHour } from '../../actions/lib/training/data/hours.ts';
import { type CompactForest, predictCompact } from './bundle/forest-binary.ts';
import { badRequest, HttpProblem } from './http-problem.ts';
import { kindOf } from './scoring/scoring-input.ts';

/** The most hours one request may forecast: a week. */
export const MAX_FORECAST_HOURS = 168;

/** Hourly observations, times increasing (epoch ms of whole UTC hours). */
export interface Observations {
  readonly times: readonly number[];
  readonly values: readonly number[];
}

/** A forecast: the hours after the newest observation and their predicted values. */
export interface Forecast {
  readonly times: number[];
  readonly values: number[];
}

/**
 * How many consecutive hourly observations, ending at the newest, a forecast needs: the longest lag
 * plus the spec's horizon (the first hour forecast is issued `horizon` hours before it). For a
 * one-hour horizon, the longest lag + 1.
 *
 * @example minObservations({ version: 1, target: 'o3', horizon: 1, lags: [0, 24], calendar: [] }) // 25
 */
export function minObservations(spec: FeatureSpec): number {
  return maxLag(spec) + spec.horizon;
}

/**
 * Reads a forecast request's body: `{"observations": [{"time", "value"}, …], "horizon": N}`.
 * Times are RFC 3339 instants on whole UTC hours, in any order (sorted here); one time twice is
 * refused, as the training table holds one mean per hour.
 *
 * @throws HttpProblem 400 naming every problem (up to a few), 413 beyond `maxObservations`
 * @example readForecastRequest({ observations: [{ time: '2014-01-01T00:00Z', value: 30 }], horizon: 3 }, 10_000)
 */
export function readForecastRequest(
  body: unknown,
  maxObservations: number,
): { observations: Observations; horizon: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      `the body must be a JSON object with observations and horizon, got ${kindOf(body)}`,
    );
  }
  const { observations, horizon } = body as Record<string, unknown>;
  if (
    !Number.isInteger(horizon) ||
    (horizon as number) < 1 ||
    (horizon as number) > MAX_FORECAST_HOURS
  ) {
    throw badRequest(
      `horizon must be a whole number of hours from 1 to ${MAX_FORECAST_HOURS}, got ${kindOf(horizon)}`,
    );
  }
  if (!Array.isArray(observations) || observations.length === 0) {
    throw badRequest('observations must be a non-empty list of {"time", "value"} objects');
  }
  if (observations.length > maxObservations) {
    throw new HttpProblem(
      413,
      `${observations.length} observations is more than the ${maxObservations} a request may hold`,
    );
  }
  const problems: string[] = [];
  const pairs: [number, number][] = [];
  observations.forEach((item: unknown, i) => {
    const { time, value } = (typeof item === 'object' && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    const ms =
      typeof time === 'string' && /(Z|[+-]\d\d:\d\d)$/i.test(time) ? Date.parse(time) : Number.NaN;
    if (!isWholeHour(ms)) {
      problems.push(
        `observations[${i}].time must be an RFC 3339 instant on a whole UTC hour (e.g. 2014-01-01T05:00:00Z), got ${kindOf(time)}`,
      );
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`observations[${i}].value must be a finite number, got ${kindOf(value)}`);
    } else pairs.push([ms, value]);
  });
  if (problems.length > 0) throw badRequest(listed(problems));
  pairs.sort((a, b) => a[0] - b[0]);
  const duplicates = pairs
    .filter((pair, i) => i > 0 && pairs[i - 1]?.[0] === pair[0])
    .map(
      ([ms]) => `${formatHour(ms)} appears more than once in observations: give one value per hour`,
    );
  if (duplicates.length > 0) throw badRequest(listed(duplicates));
  return {
    observations: { times: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) },
    horizon: horizon as number,
  };
}

/**
 * Forecasts the `hours` hours after the newest observation. The value of hour T is the forest's
 * prediction for the row issued at T − spec.horizon, built from the observations and the values
 * already forecast; observations older than any row reads are left out before building.
 *
 * @throws UsageError naming every missing observation (hour and column) when the history has a
 *   gap a row needs, or the spec reads variables other than the target
 * @example
 * iteratedForecast(spec, forest, { times, values }, 24).values // 24 numbers
 */
export function iteratedForecast(
  spec: FeatureSpec,
  forest: CompactForest,
  observations: Observations,
  hours: number,
): Forecast {
  if ((spec.others ?? []).length > 0) {
    const names = (spec.others ?? []).map((o) => o.variable).join(', ');
    throw new UsageError(
      `this model also reads ${names}: the forecast route takes observations of ${spec.target} alone`,
    );
  }
  const newest = observations.times.at(-1);
  if (newest === undefined) throw new UsageError('no observations were given');
  const oldestRead = newest + HOUR_MS * (1 - spec.horizon - maxLag(spec));
  const first = observations.times.findIndex((t) => t >= oldestRead);
  const times = observations.times.slice(first);
  const values = observations.values.slice(first);
  const forecast: Forecast = { times: [], values: [] };
  for (let step = 1; step <= hours; step++) {
    const hour = newest + step * HOUR_MS;
    const row = buildFeatureRow(spec, { target: { times, values } }, hour - spec.horizon * HOUR_MS);
    const value = predictCompact(forest, row, 1)[0] ?? Number.NaN;
    times.push(hour);
    values.push(value);
    forecast.times.push(hour);
    forecast.values.push(value);
  }
  return forecast;
}

function listed(problems: readonly string[]): string {
  const shown = problems.slice(0, 5);
  if (problems.length > 5) shown.push(`and ${problems.length - 5} more`);
  return shown.join('; ');
}
