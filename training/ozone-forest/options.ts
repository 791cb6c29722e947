// What a run of train.ts is told: its flags (the project's parameters, as the runner renders the
// command) and the environment the runner sets. Checked once, every problem together. Pure.
import { UsageError } from '../../actions/lib/errors.ts';

/** The entry point's parameters, typed and checked (see freshet-project.yml). */
export interface OzoneForestOptions {
  readonly nEstimators: number;
  /**
   * The fewest training rows a leaf holds; `auto` chooses it from the row count (see
   * `chooseMinSamplesLeaf` in model.ts), so that model.json stays small on long windows.
   */
  readonly minSamplesLeaf: number | 'auto';
  /** A fraction of the features tried at each split, in (0, 1]. */
  readonly maxFeatures: number;
  /** The deepest level a node may sit at; 0 means unlimited. */
  readonly maxDepth: number;
  readonly seed: number;
  /** The newest fraction of the rows held out as the test window, in (0, 1). */
  readonly testFraction: number;
}

/** Where the data is and where the artifacts go, as the runner says. */
export type RunEnvironment =
  | {
      readonly source: 'table';
      readonly databaseUrl: string;
      /** `schema.table` of the hourly training table. */
      readonly trainingTable: string;
      readonly outputDir: string;
    }
  | {
      /** Another repository's run gets no database: the training table as a CSV file. */
      readonly source: 'file';
      readonly trainingFile: string;
      readonly outputDir: string;
    };

/**
 * The values of a flag left out (when train.ts is run by hand). The project file gives every flag;
 * its min_samples_leaf is `auto`.
 */
export const DEFAULT_OPTIONS: OzoneForestOptions = {
  nEstimators: 100,
  minSamplesLeaf: 10,
  maxFeatures: 1,
  maxDepth: 0,
  seed: 0,
  testFraction: 0.2,
};

/** One flag: its option, how to read it, and what a good value looks like. */
interface FlagRule {
  readonly option: keyof OzoneForestOptions;
  readonly integer: boolean;
  readonly accepts: (n: number) => boolean;
  readonly expected: string;
}

const FLAGS: Readonly<Record<string, FlagRule>> = {
  'n-estimators': {
    option: 'nEstimators',
    integer: true,
    accepts: (n) => n >= 1,
    expected: 'a whole number of trees >= 1, e.g. 100',
  },
  'min-samples-leaf': {
    option: 'minSamplesLeaf',
    integer: true,
    accepts: (n) => n >= 1,
    expected: 'a whole number of rows >= 1, e.g. 5',
  },
  'max-features': {
    option: 'maxFeatures',
    integer: false,
    accepts: (n) => n > 0 && n <= 1,
    expected: 'a fraction of the features in (0, 1], e.g. 1.0 (all) or 0.5',
  },
  'max-depth': {
    option: 'maxDepth',
    integer: true,
    accepts: (n) => n >= 0,
    expected: 'a whole number >= 0 (0: unlimited), e.g. 12',
  },
  seed: {
    option: 'seed',
    integer: true,
    accepts: (n) => n >= 0,
    expected: 'a whole number >= 0, e.g. 0',
  },
  'test-fraction': {
    option: 'testFraction',
    integer: false,
    accepts: (n) => n > 0 && n < 1,
    expected: 'a fraction strictly between 0 and 1, e.g. 0.2',
  },
};

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads train.ts's flags; a flag left out takes the project file's default.
 *
 * @throws UsageError listing every unknown flag and every value out of range
 * @example
 * parseOzoneForestArgs(['--n-estimators', '50', '--max-depth', '0'])
 * // { nEstimators: 50, minSamplesLeaf: 10, maxFeatures: 1, maxDepth: 0, seed: 0, testFraction: 0.2 }
 */
export function parseOzoneForestArgs(argv: readonly string[]): OzoneForestOptions {
  const { values, problems } = readFlags(argv);
  const options: { -readonly [K in keyof OzoneForestOptions]: OzoneForestOptions[K] } = {
    ...DEFAULT_OPTIONS,
  };
  for (const [flag, rule] of Object.entries(FLAGS)) {
    const text = values.get(flag);
    if (text === undefined) continue;
    // The leaf size also takes `auto`: chosen once the rows are known.
    if (rule.option === 'minSamplesLeaf' && text.trim() === 'auto') {
      options.minSamplesLeaf = 'auto';
      continue;
    }
    const n = Number(text.trim());
    const valid =
      NUMBER.test(text.trim()) &&
      Number.isFinite(n) &&
      (!rule.integer || Number.isSafeInteger(n)) &&
      rule.accepts(n);
    if (valid) options[rule.option] = n;
    else problems.push(`--${flag} must be ${rule.expected}, got ${JSON.stringify(text)}`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  return options;
}

/**
 * Reads the variables the runner sets: FRESHET_OUTPUT_DIR, and FRESHET_TRAINING_FILE (a CSV file,
 * when the project runs as another repository's code) or else DATABASE_URL and
 * FRESHET_TRAINING_TABLE.
 *
 * @throws UsageError naming every one that is missing or empty
 * @example readRunEnvironment(process.env).trainingTable // 'public.freshet_training_1234'
 */
export function readRunEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): RunEnvironment {
  const trainingFile = env.FRESHET_TRAINING_FILE?.trim();
  if (trainingFile) {
    const outputDir = env.FRESHET_OUTPUT_DIR;
    if (!outputDir?.trim()) {
      throw new UsageError(
        'FRESHET_OUTPUT_DIR is not set: run the project with `freshet train --project training/ozone-forest`, which sets it, or set it yourself',
      );
    }
    return { source: 'file', trainingFile, outputDir };
  }
  const names = {
    databaseUrl: 'DATABASE_URL',
    trainingTable: 'FRESHET_TRAINING_TABLE',
    outputDir: 'FRESHET_OUTPUT_DIR',
  } as const;
  const databaseUrl = env[names.databaseUrl];
  const trainingTable = env[names.trainingTable]?.trim();
  const outputDir = env[names.outputDir];
  const missing = Object.values(names).filter((name) => !env[name]?.trim());
  if (missing.length > 0 || !databaseUrl || !trainingTable || !outputDir) {
    throw new UsageError(
      missing.map(
        (name) =>
          `${name} is not set: run the project with \`freshet train --project training/ozone-forest\`, which sets it, or set it yourself`,
      ),
    );
  }
  return {
    source: 'table',
    databaseUrl,
    trainingTable,
    outputDir,
  };
}

/**
 * Splits `--flag value` and `--flag=value` pairs. A value is whatever follows its flag, even when it
 * starts with `-` (`--max-depth -1` is a value out of range, not a missing one).
 */
function readFlags(argv: readonly string[]): { values: Map<string, string>; problems: string[] } {
  const values = new Map<string, string>();
  const problems: string[] = [];
  const known = Object.keys(FLAGS);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!; // i < argv.length
    if (!token.startsWith('--')) {
      problems.push(`unexpected argument ${JSON.stringify(token)}: give values as --flag value`);
      continue;
    }
    const equals = token.indexOf('=');
    const flag = token.slice(2, equals < 0 ? undefined : equals);
    const rule = Object.hasOwn(FLAGS, flag) ? FLAGS[flag] : undefined;
    if (rule === undefined) {
      problems.push(
        `unknown flag --${flag}: the flags are ${known.map((k) => `--${k}`).join(', ')}`,
      );
      if (equals < 0) i++;
      continue;
    }
    const value = equals < 0 ? argv[++i] : token.slice(equals + 1);
    if (value === undefined) problems.push(`--${flag} needs a value: ${rule.expected}`);
    else values.set(flag, value);
  }
  return { values, problems };
}
