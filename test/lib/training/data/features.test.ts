import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildFeatureRow,
  buildFeatures,
  calendarAngle,
  type FeatureSpec,
  type HourlySeries,
} from '../../../../actions/lib/training/data/features.ts';
import { at, HOUR, usageError } from '../helpers.ts';

const T0 = at('2014-01-01T00:00:00Z');

/** Hours `T0 + k h` for each k, with value `value(k)`. */
function series(hours: readonly number[], value: (k: number) => number = (k) => k): HourlySeries {
  return { times: hours.map((k) => T0 + k * HOUR), values: hours.map(value) };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const lagsOnly = (lags: number[], horizon = 1): FeatureSpec => ({
  version: 1,
  target: 'o3',
  horizon,
  lags,
  calendar: [],
});

/** Row r of a matrix as a plain array. */
function row(m: { x: Float32Array; nFeatures: number }, r: number): number[] {
  return [...m.x.subarray(r * m.nFeatures, (r + 1) * m.nFeatures)];
}

describe('buildFeatures', () => {
  it('makes one row per issue time: target lags as features, the value `horizon` hours later as label', () => {
    const m = buildFeatures(lagsOnly([0, 1, 3], 2), { target: series(range(0, 8)) });
    // Issue times from hour 3 (the longest lag) to hour 5 (8 hours, the last at 7, horizon 2).
    expect([...m.times]).toEqual([3, 4, 5].map((k) => T0 + k * HOUR));
    expect(m.nRows).toBe(3);
    expect(m.nFeatures).toBe(3);
    expect(m.names).toEqual(['o3_lag0', 'o3_lag1', 'o3_lag3']);
    expect(row(m, 0)).toEqual([3, 2, 0]);
    expect(row(m, 2)).toEqual([5, 4, 2]);
    expect([...m.y]).toEqual([5, 6, 7]);
    expect(m.skippedForGaps).toBe(0);
  });

  it('never bridges a gap: a row missing any lag or its label is left out and counted', () => {
    // Hour 5 is missing. Lags 0 and 2, horizon 1: issue times 2..8 are candidates; 4 (label at 5),
    // 5 (lag 0) and 7 (lag 2) need hour 5.
    const hours = range(0, 10).filter((k) => k !== 5);
    const m = buildFeatures(lagsOnly([0, 2]), { target: series(hours, (k) => 10 * k) });
    expect([...m.times].map((t) => (t - T0) / HOUR)).toEqual([2, 3, 6, 8]);
    expect(m.skippedForGaps).toBe(3);
    // Hour 6's lag 2 is hour 4 (not a neighbour shifted into the gap).
    expect(row(m, 2)).toEqual([60, 40]);
    expect(m.y[2]).toBe(70);
  });

  it('rounds features to float32 and keeps labels as doubles', () => {
    const m = buildFeatures(lagsOnly([0]), { target: series([0, 1], (k) => 0.1 + k) });
    expect(m.x[0]).toBe(Math.fround(0.1));
    expect(m.x[0]).not.toBe(0.1);
    expect(m.y[0]).toBe(1.1);
  });

  it('encodes the calendar of the target hour as sin/cos pairs', () => {
    const spec: FeatureSpec = {
      version: 1,
      target: 'o3',
      horizon: 6,
      lags: [0],
      calendar: ['hour', 'dayofweek', 'dayofyear'],
    };
    const m = buildFeatures(spec, { target: series([0, 6]) });
    expect(m.names).toEqual([
      'o3_lag0',
      'hour_sin',
      'hour_cos',
      'dow_sin',
      'dow_cos',
      'doy_sin',
      'doy_cos',
    ]);
    // Target hour 2014-01-01T06:00Z: hour 6 is a quarter turn; a Wednesday (Monday is 0); day 1.
    const dow = (2 * Math.PI * 2) / 7;
    expect(row(m, 0)).toEqual(
      [0, 1, Math.cos(Math.PI / 2), Math.sin(dow), Math.cos(dow), 0, 1].map(Math.fround),
    );
  });

  it('closes the year circle in leap and common years alike', () => {
    expect(calendarAngle('dayofyear', at('2016-12-31T23:00:00Z'))).toBe((2 * Math.PI * 365) / 366);
    expect(calendarAngle('dayofyear', at('2015-12-31T00:00:00Z'))).toBe((2 * Math.PI * 364) / 365);
    expect(calendarAngle('dayofyear', at('2016-03-01T00:00:00Z'))).toBe((2 * Math.PI * 60) / 366);
    expect(calendarAngle('dayofweek', at('2014-01-06T12:00:00Z'))).toBe(0); // a Monday
    expect(calendarAngle('hour', at('2014-01-06T23:00:00Z'))).toBe((2 * Math.PI * 23) / 24);
  });

  it('reads other variables at their own lags, and counts their gaps too', () => {
    const spec: FeatureSpec = {
      version: 1,
      target: 'o3',
      horizon: 1,
      lags: [0],
      calendar: [],
      others: [{ variable: 'no2', lags: [0, 1] }],
    };
    const no2 = series(
      range(0, 6).filter((k) => k !== 3),
      (k) => 100 + k,
    );
    const m = buildFeatures(spec, { target: series(range(0, 6)), others: { no2 } });
    // Candidates 1..4; 3 and 4 need no2 at hour 3.
    expect([...m.times].map((t) => (t - T0) / HOUR)).toEqual([1, 2]);
    expect(row(m, 1)).toEqual([2, 102, 101]);
    expect(m.skippedForGaps).toBe(2);
  });

  it('returns no rows (and no gaps) when the series is shorter than its history and horizon', () => {
    const m = buildFeatures(lagsOnly([0, 24]), { target: series(range(0, 20)) });
    expect(m.nRows).toBe(0);
    expect(m.x).toHaveLength(0);
    expect(m.skippedForGaps).toBe(0);
    expect(buildFeatures(lagsOnly([0]), { target: series([]) }).nRows).toBe(0);
  });

  it('refuses series that break the contract, naming each problem', () => {
    const error = usageError(() =>
      buildFeatures(
        { ...lagsOnly([0]), others: [{ variable: 'no2', lags: [0] }] },
        {
          target: {
            times: [T0, T0 + 2 * HOUR, T0 + HOUR, T0 + 3 * HOUR + 1, T0 + 4 * HOUR],
            values: [1, 2, 3, 4, Number.NaN],
          },
        },
      ),
    );
    expect(error.problems).toEqual([
      'target.times[2] 2014-01-01T01:00:00Z does not come after 2014-01-01T02:00:00Z: times must increase',
      'target.times[3] 1388545200001 is not a whole UTC hour',
      'target.values[4] (2014-01-01T04:00:00Z) is NaN, not a finite number',
      'no no2 series was given, but the feature specification lists it in others',
    ]);
    expect(
      usageError(() => buildFeatures(lagsOnly([0]), { target: { times: [T0], values: [] } }))
        .message,
    ).toBe('target has 1 times but 0 values');
  });

  it('refuses an invalid spec', () => {
    expect(
      usageError(() => buildFeatures(lagsOnly([0], 0), { target: series([0]) })).message,
    ).toMatch(/feature specification\.horizon must be a whole number/);
  });
});

describe('buildFeatureRow', () => {
  const spec: FeatureSpec = {
    version: 1,
    target: 'o3',
    horizon: 2,
    lags: [0, 1, 3],
    calendar: ['hour', 'dayofyear'],
    others: [{ variable: 'no2', lags: [0, 2] }],
  };

  it('names every missing observation', () => {
    const error = usageError(() =>
      buildFeatureRow(
        spec,
        { target: series([0, 3]), others: { no2: series([3]) } },
        T0 + 3 * HOUR,
      ),
    );
    expect(error.problems).toEqual([
      'cannot build the features of issue time 2014-01-01T03:00:00Z: no o3 observation for 2014-01-01T02:00:00Z (o3_lag1)',
      'cannot build the features of issue time 2014-01-01T03:00:00Z: no no2 observation for 2014-01-01T01:00:00Z (no2_lag2)',
    ]);
  });

  it('refuses an issue time that is not a whole hour', () => {
    expect(
      usageError(() => buildFeatureRow(spec, { target: series([0]) }, T0 + 1)).message,
    ).toMatch(/not a whole UTC hour/);
  });

  it('equals the buildFeatures row of the same issue time, using nothing after it', () => {
    const present = fc.array(fc.boolean(), { minLength: 30, maxLength: 80 });
    fc.assert(
      fc.property(present, present, fc.integer({ min: 1, max: 5 }), (o3Mask, no2Mask, horizon) => {
        const pick = (mask: boolean[]) => mask.flatMap((p, k) => (p ? [k] : []));
        const target = series(pick(o3Mask), (k) => Math.sin(k) * 40 + 41.3);
        const no2 = series(pick(no2Mask), (k) => k / 7);
        const s = { ...spec, horizon };
        const m = buildFeatures(s, { target, others: { no2 } });
        const rows = new Map([...m.times].map((t, r) => [t, r]));
        const times = target.times as number[];
        const [oldest] = times;
        const newest = times.at(-1);
        if (oldest === undefined || newest === undefined) return;
        const first = oldest + 3 * HOUR;
        const last = newest - horizon * HOUR;
        let candidates = 0;
        for (let t = first; t <= last; t += HOUR) {
          candidates++;
          // Serving only knows the past: cut every series at the issue time.
          const upTo = (x: HourlySeries): HourlySeries => {
            const keep = [...(x.times as number[])].filter((time) => time <= t).length;
            return {
              times: [...(x.times as number[])].slice(0, keep),
              values: [...(x.values as number[])].slice(0, keep),
            };
          };
          const r = rows.get(t);
          const hasLabel = (times as number[]).includes(t + horizon * HOUR);
          let built: Float32Array | undefined;
          try {
            built = buildFeatureRow(s, { target: upTo(target), others: { no2: upTo(no2) } }, t);
          } catch {
            built = undefined;
          }
          if (r === undefined) {
            expect(built === undefined || !hasLabel).toBe(true);
          } else {
            expect(built && [...built]).toEqual(row(m, r));
          }
        }
        expect(m.skippedForGaps).toBe(candidates - m.nRows);
      }),
      { numRuns: 150 },
    );
  });
});

describe('features.ts in the Worker', () => {
  it('bundles for a Web-standard runtime: nothing it imports needs Node', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [
        new URL('../../../../actions/lib/training/data/features.ts', import.meta.url).pathname,
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
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
  });
});
