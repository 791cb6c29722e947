// The feature specification: which columns a model sees, in which order. Validated once, here, for
// the project file, the runner, model.json and the Worker alike. Web-standard: no node: imports.
import { UsageError } from '../../errors.ts';
import {
  isRecord,
  showValue,
  unknownKeyProblems,
  variableNameProblem,
} from '../project/validation.ts';

/** Calendar encodings, each giving a `_sin` and a `_cos` column of the target hour. */
const CALENDAR_ENCODINGS = ['hour', 'dayofweek', 'dayofyear'] as const;
export type CalendarEncoding = (typeof CALENDAR_ENCODINGS)[number];

/** Column-name prefix of each calendar encoding (`hour_sin`, `dow_cos`, `doy_sin`). */
const CALENDAR_PREFIX: Readonly<Record<CalendarEncoding, string>> = {
  hour: 'hour',
  dayofweek: 'dow',
  dayofyear: 'doy',
};

/** The longest lag or horizon, in hours: a leap year. */
const MAX_FEATURE_HOURS = 8784;

/** The only version this code understands; model.json files carry it. */
const FEATURE_SPEC_VERSION = 1;

/** Lags of a variable other than the target, measured at the same station. */
export interface OtherVariableFeatures {
  /** A TOAR variable name, e.g. `no2`; not the target. */
  readonly variable: string;
  /** Hours before the issue time, as for {@link FeatureSpec.lags}. */
  readonly lags: readonly number[];
}

/**
 * What a model sees and predicts. A row is built for an *issue time* t (a whole UTC hour, the hour
 * of the newest observation used):
 * - `<target>_lag<k>` for each k in `lags`: the target's hourly mean of hour t − k h;
 * - `<prefix>_sin`, `<prefix>_cos` for each calendar encoding, of the *target hour* t + horizon h
 *   (the hour the prediction is for);
 * - `<variable>_lag<k>` for each other variable and each of its lags.
 * The label is the target's hourly mean of hour t + horizon h. Columns come in exactly this order
 * (lags and calendar encodings in the order listed): see {@link featureNames}.
 *
 * @example
 * { version: 1, target: 'o3', horizon: 1, lags: [0, 1, 2, 3, 6, 12, 24],
 *   calendar: ['hour', 'dayofyear'], others: [{ variable: 'no2', lags: [0, 1] }] }
 */
export interface FeatureSpec {
  readonly version: 1;
  /** The TOAR variable predicted, e.g. `o3`; the training table's variable. */
  readonly target: string;
  /** Hours ahead of the issue time the label is taken, 1 to {@link MAX_FEATURE_HOURS}. */
  readonly horizon: number;
  /** Hours before the issue time, 0 to {@link MAX_FEATURE_HOURS}, distinct (0: the issue hour). */
  readonly lags: readonly number[];
  /** Calendar encodings of the target hour, distinct. */
  readonly calendar: readonly CalendarEncoding[];
  /** Other variables of the same station, each at most once. */
  readonly others?: readonly OtherVariableFeatures[];
}

const SPEC_KEYS = ['version', 'target', 'horizon', 'lags', 'calendar', 'others'] as const;
const OTHER_KEYS = ['variable', 'lags'] as const;

function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function lagListProblems(value: unknown, label: string): string[] {
  if (!Array.isArray(value)) {
    return [
      `${label} must be a list of whole hours from 0 to ${MAX_FEATURE_HOURS}, e.g. [0, 1, 24], got ${showValue(value)}`,
    ];
  }
  const problems: string[] = [];
  const seen = new Set<number>();
  value.forEach((lag, i) => {
    if (!isWholeNumberIn(lag, 0, MAX_FEATURE_HOURS)) {
      problems.push(
        `${label}[${i}] must be a whole number of hours from 0 to ${MAX_FEATURE_HOURS}, got ${showValue(lag)}`,
      );
    } else if (seen.has(lag)) {
      problems.push(`${label} lists ${lag} more than once: each lag is one column`);
    } else {
      seen.add(lag);
    }
  });
  return problems;
}

function calendarProblems(value: unknown, label: string): string[] {
  if (!Array.isArray(value)) {
    return [`${label} must be a list of ${CALENDAR_ENCODINGS.join(', ')}, got ${showValue(value)}`];
  }
  const problems: string[] = [];
  const seen = new Set<unknown>();
  value.forEach((encoding, i) => {
    if (!(CALENDAR_ENCODINGS as readonly unknown[]).includes(encoding)) {
      problems.push(
        `${label}[${i}] must be one of ${CALENDAR_ENCODINGS.join(', ')}, got ${showValue(encoding)}`,
      );
    } else if (seen.has(encoding)) {
      problems.push(`${label} lists ${encoding} more than once`);
    }
    seen.add(encoding);
  });
  return problems;
}

function othersProblems(value: unknown, target: unknown, label: string): string[] {
  if (!Array.isArray(value)) {
    return [
      `${label} must be a list of mappings such as { variable: no2, lags: [0, 1] }, got ${showValue(value)}`,
    ];
  }
  const problems: string[] = [];
  const seen = new Set<unknown>();
  value.forEach((other, i) => {
    const at = `${label}[${i}]`;
    if (!isRecord(other)) {
      problems.push(`${at} must be a mapping such as { variable: no2, lags: [0, 1] }`);
      return;
    }
    problems.push(...unknownKeyProblems(other, OTHER_KEYS, at, 'a setting of another variable'));
    const variable = variableNameProblem(other.variable, `${at}.variable`);
    if (variable !== undefined) problems.push(variable);
    else if (other.variable === target) {
      problems.push(
        `${at}.variable ${other.variable} is the target: list its lags in lags instead`,
      );
    } else if (seen.has(other.variable)) {
      problems.push(`${at}.variable ${other.variable} appears more than once: merge its lags`);
    }
    seen.add(other.variable);
    problems.push(...lagListProblems(other.lags, `${at}.lags`));
  });
  return problems;
}

/**
 * Every problem of a would-be feature specification (e.g. the `features` section of a project
 * file), each naming where it is under `label`; empty when `value` is a valid {@link FeatureSpec}.
 */
export function featureSpecProblems(value: unknown, label = 'features'): string[] {
  if (!isRecord(value)) {
    return [
      `${label} must be a mapping with version, target, horizon, lags and calendar, got ${showValue(value)}`,
    ];
  }
  const problems = unknownKeyProblems(value, SPEC_KEYS, label, 'a feature setting');
  if (value.version !== FEATURE_SPEC_VERSION) {
    problems.push(
      `${label}.version must be ${FEATURE_SPEC_VERSION} (the only feature specification version), got ${showValue(value.version)}`,
    );
  }
  const target = variableNameProblem(value.target, `${label}.target`);
  if (target !== undefined) problems.push(target);
  if (!isWholeNumberIn(value.horizon, 1, MAX_FEATURE_HOURS)) {
    problems.push(
      `${label}.horizon must be a whole number of hours ahead from 1 to ${MAX_FEATURE_HOURS}, got ${showValue(value.horizon)}`,
    );
  }
  if (value.lags !== undefined) problems.push(...lagListProblems(value.lags, `${label}.lags`));
  if (value.calendar !== undefined) {
    problems.push(...calendarProblems(value.calendar, `${label}.calendar`));
  }
  if (value.others !== undefined) {
    problems.push(...othersProblems(value.others, value.target, `${label}.others`));
  }
  const count = (list: unknown) => (Array.isArray(list) ? list.length : 0);
  const otherLags = Array.isArray(value.others)
    ? value.others.reduce<number>((sum, o) => sum + (isRecord(o) ? count(o.lags) : 0), 0)
    : 0;
  if (count(value.lags) + count(value.calendar) + otherLags === 0 && problems.length === 0) {
    problems.push(`${label} defines no feature: give lags, calendar or others`);
  }
  return problems;
}

/**
 * Validates a feature specification and returns it normalised (`lags` and `calendar` present,
 * `others` only when it lists something), as a fresh object that shares nothing with the input.
 *
 * @param label where the specification came from, named in every problem (e.g. `features`)
 * @throws UsageError listing every problem
 * @example parseFeatureSpec({ version: 1, target: 'o3', horizon: 1, lags: [0, 1] }).calendar // []
 */
export function parseFeatureSpec(value: unknown, label = 'features'): FeatureSpec {
  const problems = featureSpecProblems(value, label);
  if (problems.length > 0 || !isRecord(value)) throw new UsageError(problems);
  const others = ((value.others ?? []) as OtherVariableFeatures[]).map((o) => ({
    variable: o.variable,
    lags: [...o.lags],
  }));
  return {
    version: FEATURE_SPEC_VERSION,
    target: value.target as string,
    horizon: value.horizon as number,
    lags: [...((value.lags ?? []) as number[])],
    calendar: [...((value.calendar ?? []) as CalendarEncoding[])],
    ...(others.length > 0 ? { others } : {}),
  };
}

/** One column of the feature matrix, in signature order. */
export type FeatureColumn =
  | { readonly kind: 'lag'; readonly name: string; readonly variable: string; readonly lag: number }
  | {
      readonly kind: 'calendar';
      readonly name: string;
      readonly encoding: CalendarEncoding;
      readonly part: 'sin' | 'cos';
    };

/** The columns of `spec` in signature order (see {@link featureNames}). */
export function featureColumns(spec: FeatureSpec): FeatureColumn[] {
  const lagColumns = (variable: string, lags: readonly number[]): FeatureColumn[] =>
    lags.map((lag) => ({ kind: 'lag', name: `${variable}_lag${lag}`, variable, lag }));
  return [
    ...lagColumns(spec.target, spec.lags),
    ...spec.calendar.flatMap((encoding): FeatureColumn[] => [
      { kind: 'calendar', name: `${CALENDAR_PREFIX[encoding]}_sin`, encoding, part: 'sin' },
      { kind: 'calendar', name: `${CALENDAR_PREFIX[encoding]}_cos`, encoding, part: 'cos' },
    ]),
    ...(spec.others ?? []).flatMap((other) => lagColumns(other.variable, other.lags)),
  ];
}

/**
 * The ordered feature names: the model's signature, the feature table's columns, the names the
 * scoring protocol accepts. Target lags, then calendar encodings (sin before cos), then the other
 * variables' lags, each in the order the specification lists them.
 *
 * @example
 * featureNames({ version: 1, target: 'o3', horizon: 1, lags: [0, 1], calendar: ['hour'],
 *   others: [{ variable: 'no2', lags: [0] }] })
 * // ['o3_lag0', 'o3_lag1', 'hour_sin', 'hour_cos', 'no2_lag0']
 */
export function featureNames(spec: FeatureSpec): string[] {
  return featureColumns(spec).map((column) => column.name);
}

/** The most hours before the issue time any column looks: how much history a row needs. */
export function maxLag(spec: FeatureSpec): number {
  const all = [...spec.lags, ...(spec.others ?? []).flatMap((o) => o.lags)];
  return all.length === 0 ? 0 : Math.max(...all);
}
