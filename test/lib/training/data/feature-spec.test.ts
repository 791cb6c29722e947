import { describe, expect, it } from 'vitest';
import {
  type FeatureSpec,
  featureNames,
  featureSpecProblems,
  maxLag,
  parseFeatureSpec,
} from '../../../../actions/lib/training/data/feature-spec.ts';
import { usageError } from '../helpers.ts';

const EXAMPLE = {
  version: 1,
  target: 'o3',
  horizon: 1,
  lags: [0, 1, 2, 3, 6, 12, 24],
  calendar: ['hour', 'dayofyear'],
  others: [{ variable: 'no2', lags: [0, 1] }],
};

describe('featureNames', () => {
  it('lists target lags, then calendar sin/cos pairs, then other variables, each in spec order', () => {
    expect(featureNames(parseFeatureSpec(EXAMPLE))).toEqual([
      'o3_lag0',
      'o3_lag1',
      'o3_lag2',
      'o3_lag3',
      'o3_lag6',
      'o3_lag12',
      'o3_lag24',
      'hour_sin',
      'hour_cos',
      'doy_sin',
      'doy_cos',
      'no2_lag0',
      'no2_lag1',
    ]);
  });

  it('keeps the declared order rather than sorting (the order is the signature)', () => {
    const spec: FeatureSpec = {
      version: 1,
      target: 'pm2p5',
      horizon: 3,
      lags: [24, 0],
      calendar: ['dayofweek', 'hour'],
      others: [
        { variable: 'so2', lags: [2] },
        { variable: 'co', lags: [1, 0] },
      ],
    };
    expect(featureNames(spec)).toEqual([
      'pm2p5_lag24',
      'pm2p5_lag0',
      'dow_sin',
      'dow_cos',
      'hour_sin',
      'hour_cos',
      'so2_lag2',
      'co_lag1',
      'co_lag0',
    ]);
  });
});

describe('parseFeatureSpec', () => {
  it('normalises: calendar defaults to [], others only when it lists something', () => {
    const spec = parseFeatureSpec({ version: 1, target: 'o3', horizon: 2, lags: [0], others: [] });
    expect(spec).toEqual({ version: 1, target: 'o3', horizon: 2, lags: [0], calendar: [] });
  });

  it('copies the input, so later changes to it cannot change the spec', () => {
    const input = structuredClone(EXAMPLE);
    const spec = parseFeatureSpec(input);
    input.lags.push(48);
    input.others[0]?.lags.push(5);
    expect(input.others[0]?.lags).toContain(5);
    expect(spec.lags).toHaveLength(7);
    expect(spec.others?.[0]?.lags).toEqual([0, 1]);
  });

  it('collects every problem, each naming its place under the label', () => {
    const error = usageError(() =>
      parseFeatureSpec(
        {
          version: 2,
          target: 'O3',
          horizon: 0,
          lags: [0, 1.5, -1, 1, 1, '2'],
          calendar: ['hour', 'month', 'hour'],
          others: [
            { variable: 'o3', lags: [0] },
            { variable: 'no2' },
            'x',
            { variable: 'no2', lags: [], extra: 1 },
          ],
          color: 'red',
        },
        'features',
      ),
    );
    expect(error.problems).toEqual([
      'features.color is not a feature setting: use version, target, horizon, lags, calendar, others',
      'features.version must be 1 (the only feature specification version), got 2',
      'features.target must be a variable name such as o3 or pm2p5 (lower-case letters and digits), got "O3"',
      'features.horizon must be a whole number of hours ahead from 1 to 8784, got 0',
      'features.lags[1] must be a whole number of hours from 0 to 8784, got 1.5',
      'features.lags[2] must be a whole number of hours from 0 to 8784, got -1',
      'features.lags lists 1 more than once: each lag is one column',
      'features.lags[5] must be a whole number of hours from 0 to 8784, got "2"',
      'features.calendar[1] must be one of hour, dayofweek, dayofyear, got "month"',
      'features.calendar lists hour more than once',
      'features.others[1].lags must be a list of whole hours from 0 to 8784, e.g. [0, 1, 24], got nothing',
      'features.others[2] must be a mapping such as { variable: no2, lags: [0, 1] }',
      'features.others[3].extra is not a setting of another variable: use variable, lags',
      'features.others[3].variable no2 appears more than once: merge its lags',
    ]);
  });

  it('refuses the target among the other variables (its columns would collide)', () => {
    expect(
      featureSpecProblems({
        version: 1,
        target: 'o3',
        horizon: 1,
        others: [{ variable: 'o3', lags: [0] }],
      }),
    ).toEqual(['features.others[0].variable o3 is the target: list its lags in lags instead']);
  });

  it('refuses a spec with no feature at all, and anything that is not a mapping', () => {
    expect(featureSpecProblems({ version: 1, target: 'o3', horizon: 1, lags: [] })).toEqual([
      'features defines no feature: give lags, calendar or others',
    ]);
    expect(featureSpecProblems([1], 'spec')).toEqual([
      'spec must be a mapping with version, target, horizon, lags and calendar, got [1]',
    ]);
  });

  it('gives the longest lag over all variables', () => {
    expect(maxLag(parseFeatureSpec(EXAMPLE))).toBe(24);
    expect(
      maxLag({ ...parseFeatureSpec(EXAMPLE), others: [{ variable: 'no2', lags: [48] }] }),
    ).toBe(48);
    expect(maxLag({ version: 1, target: 'o3', horizon: 1, lags: [], calendar: ['hour'] })).toBe(0);
  });
});
