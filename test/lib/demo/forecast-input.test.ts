// What npm start asks the Worker to forecast from: the newest hours whose lags are all observed.
import { describe, expect, it } from 'vitest';
import {
  forecastInput,
  type HourlyObservation,
  lagsOf,
} from '../../../actions/lib/demo/forecast-input.ts';

const hour = (h: number): HourlyObservation => ({
  time: new Date(Date.UTC(2014, 0, 1) + h * 3_600_000).toISOString().replace(':00.000Z', 'Z'),
  value: h,
});
const FEATURES = ['o3_lag0', 'o3_lag1', 'o3_lag24', 'hour_sin', 'doy_cos'];

describe('forecastInput', () => {
  it('reads the lags of the features', () => {
    expect(lagsOf(FEATURES)).toEqual([0, 1, 24]);
    expect(lagsOf(['hour_sin'])).toEqual([0]);
  });

  it('ends at the newest hour when its lags are all there', () => {
    const hours = Array.from({ length: 48 }, (_, h) => hour(h));
    const input = forecastInput(hours, FEATURES, 1);
    expect(input.at(-1)).toEqual(hour(47));
    expect(input[0]).toEqual(hour(23));
    expect(input).toHaveLength(25);
  });

  it('steps back past a gap a lag would read', () => {
    // Hour 23 is missing: issuing at 47 would read it as lag 24; 46 has every lag (22, 45, 46).
    const hours = Array.from({ length: 48 }, (_, h) => hour(h)).filter((o) => o.value !== 23);
    const input = forecastInput(hours, FEATURES, 1);
    expect(input.at(-1)).toEqual(hour(46));
    expect(input[0]).toEqual(hour(22));
    expect(input.map((o) => o.value)).not.toContain(23);
  });

  it('needs the lags of every step after the first, while they read observations', () => {
    // Three steps from hour h read lag 24 at h − 24, h − 23 and h − 22: with hour 23 missing, 47,
    // 46 and 45 each read it; 44 reads 20, 21 and 22.
    const hours = Array.from({ length: 48 }, (_, h) => hour(h)).filter((o) => o.value !== 23);
    const input = forecastInput(hours, FEATURES, 3);
    expect(input.at(-1)).toEqual(hour(44));
    expect(input[0]).toEqual(hour(20));
  });

  it('is empty when no hour has its lags', () => {
    expect(forecastInput([hour(0), hour(1)], FEATURES, 1)).toEqual([]);
  });
});
