// The observations `npm start` sends to the forecast route: the newest stretch of a station's hours
// that has every hour the model's lags read. Real series have gaps (a missing hour 24 hours before
// the newest one fails the request), so the forecast starts after the newest hour from which every
// step's lags are observed: step k (0-based) is issued k hours after it, and its lag L reads the
// observation k − L hours from it while that is not a forecast hour. Pure.

/** An hourly observation, as the forecast route takes it. */
export interface HourlyObservation {
  /** A whole UTC hour, `2014-01-10T23:00Z`. */
  readonly time: string;
  readonly value: number;
}

const HOUR_MS = 3_600_000;

/** The lags (hours) a model's features read: `o3_lag24` → 24; lag 0 at least. */
export function lagsOf(features: readonly string[]): number[] {
  const lags = new Set([0]);
  for (const feature of features) {
    const lag = /_lag(\d+)$/.exec(feature)?.[1];
    if (lag !== undefined) lags.add(Number(lag));
  }
  return [...lags].sort((a, b) => a - b);
}

/**
 * The observations from `longest lag` hours before the newest hour from which `hours` hours can be
 * forecast, up to that hour; empty when there is none.
 *
 * @example
 * forecastInput(observed, ['o3_lag0', 'o3_lag24'], 3) // 25 hours, ending where 3 steps have their lags
 */
export function forecastInput(
  observations: readonly HourlyObservation[],
  features: readonly string[],
  hours: number,
): HourlyObservation[] {
  const lags = lagsOf(features);
  const longest = lags.at(-1) ?? 0;
  const at = (o: HourlyObservation) => Date.parse(o.time);
  const seen = new Set(observations.map(at));
  const sorted = [...observations].sort((a, b) => at(a) - at(b));
  for (let i = sorted.length - 1; i >= 0; i--) {
    const item = sorted[i];
    if (item === undefined) continue;
    const issue = at(item);
    const complete = lags.every((lag) =>
      Array.from({ length: Math.min(hours, lag + 1) }, (_, step) => step).every((step) =>
        seen.has(issue + (step - lag) * HOUR_MS),
      ),
    );
    if (complete) {
      return sorted.filter((o) => at(o) >= issue - longest * HOUR_MS && at(o) <= issue);
    }
  }
  return [];
}
