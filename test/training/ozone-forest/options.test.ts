import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPTIONS,
  parseOzoneForestArgs,
  readRunEnvironment,
} from '../../../training/ozone-forest/options.ts';
import { usageError } from '../../lib/training/helpers.ts';

describe('parseOzoneForestArgs', () => {
  it('takes the project file’s defaults for flags left out', () => {
    expect(parseOzoneForestArgs([])).toEqual({
      nEstimators: 100,
      minSamplesLeaf: 10,
      maxFeatures: 1,
      maxDepth: 0,
      seed: 0,
      testFraction: 0.2,
    });
    expect(DEFAULT_OPTIONS).toEqual(parseOzoneForestArgs([]));
  });

  it('reads every flag as the runner renders it (single-quoted values arrive bare)', () => {
    expect(
      parseOzoneForestArgs([
        '--n-estimators',
        '50',
        '--min-samples-leaf',
        '3',
        '--max-features',
        '0.5',
        '--max-depth',
        '12',
        '--seed',
        '7',
        '--test-fraction',
        '0.25',
      ]),
    ).toEqual({
      nEstimators: 50,
      minSamplesLeaf: 3,
      maxFeatures: 0.5,
      maxDepth: 12,
      seed: 7,
      testFraction: 0.25,
    });
    // The project file's min_samples_leaf: chosen from the rows when they are known.
    expect(parseOzoneForestArgs(['--min-samples-leaf', 'auto']).minSamplesLeaf).toBe('auto');
    // A float parameter of 1.0 is rendered as JavaScript prints it: 1.
    expect(parseOzoneForestArgs(['--max-features', '1']).maxFeatures).toBe(1);
    expect(parseOzoneForestArgs(['--max-features=1e-1']).maxFeatures).toBe(0.1);
  });

  it('lists every value out of range together, with what would do', () => {
    const error = usageError(() =>
      parseOzoneForestArgs([
        '--n-estimators',
        '0',
        '--min-samples-leaf',
        '2.5',
        '--max-features',
        '1.5',
        '--max-depth',
        '-1',
        '--seed',
        'x',
        '--test-fraction',
        '1',
      ]),
    );
    expect(error.problems).toEqual([
      '--n-estimators must be a whole number of trees >= 1, e.g. 100, got "0"',
      '--min-samples-leaf must be a whole number of rows >= 1, e.g. 5, got "2.5"',
      '--max-features must be a fraction of the features in (0, 1], e.g. 1.0 (all) or 0.5, got "1.5"',
      '--max-depth must be a whole number >= 0 (0: unlimited), e.g. 12, got "-1"',
      '--seed must be a whole number >= 0, e.g. 0, got "x"',
      '--test-fraction must be a fraction strictly between 0 and 1, e.g. 0.2, got "1"',
    ]);
  });

  it('refuses unknown flags, stray arguments and missing values, all together', () => {
    const error = usageError(() =>
      parseOzoneForestArgs(['--trees', '5', '50', '--seed=-2', '--max-depth']),
    );
    expect(error.problems).toEqual([
      'unknown flag --trees: the flags are --n-estimators, --min-samples-leaf, --max-features, --max-depth, --seed, --test-fraction',
      'unexpected argument "50": give values as --flag value',
      '--max-depth needs a value: a whole number >= 0 (0: unlimited), e.g. 12',
      '--seed must be a whole number >= 0, e.g. 0, got "-2"',
    ]);
  });
});

describe('readRunEnvironment', () => {
  it('reads the variables the runner sets', () => {
    expect(
      readRunEnvironment({
        DATABASE_URL: 'postgres://u@h/db',
        FRESHET_TRAINING_TABLE: 'public.freshet_training_1',
        FRESHET_OUTPUT_DIR: '/tmp/out',
        FRESHET_FEATURES_TABLE: 'public.freshet_features_1',
      }),
    ).toEqual({
      source: 'table',
      databaseUrl: 'postgres://u@h/db',
      trainingTable: 'public.freshet_training_1',
      outputDir: '/tmp/out',
    });
  });

  it("reads the training file instead when it runs as another repository's code (no database)", () => {
    expect(
      readRunEnvironment({
        FRESHET_TRAINING_FILE: '/home/freshet-0a1b/input/training.csv',
        FRESHET_OUTPUT_DIR: '/home/freshet-0a1b/output',
      }),
    ).toEqual({
      source: 'file',
      trainingFile: '/home/freshet-0a1b/input/training.csv',
      outputDir: '/home/freshet-0a1b/output',
    });
    expect(
      usageError(() => readRunEnvironment({ FRESHET_TRAINING_FILE: '/in.csv' })).problems,
    ).toEqual([expect.stringMatching(/^FRESHET_OUTPUT_DIR is not set/)]);
  });

  it('names every one that is missing or empty', () => {
    const error = usageError(() => readRunEnvironment({ FRESHET_TRAINING_TABLE: ' ' }));
    expect(error.problems).toHaveLength(3);
    expect(error.problems[0]).toBe(
      'DATABASE_URL is not set: run the project with `freshet train --project training/ozone-forest`, which sets it, or set it yourself',
    );
    expect(error.problems[1]).toMatch(/^FRESHET_TRAINING_TABLE is not set/);
    expect(error.problems[2]).toMatch(/^FRESHET_OUTPUT_DIR is not set/);
  });
});
