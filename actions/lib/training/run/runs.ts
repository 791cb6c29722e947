// Recorded training runs, as MLflow's run table shows them: listed newest first, filtered by
// metrics, tags, params and status (`rmse<5 and tag.trigger=push`), and compared two at a time.
// Parsing, matching and comparing are pure; listRuns and readRunPair read ops.training_runs.
import { UsageError } from '../../errors.ts';
import type { JsonValue } from '../forest/model-format.ts';
import { parameterText } from '../project/parameters.ts';
import { findRun, type Queryable, readRuns, type TrainingRunRecord } from './run-record.ts';

/** How a metric is compared with a number. */
export type ComparisonOp = '<' | '<=' | '>' | '>=' | '=' | '!=';

/** One condition of a filter. */
export type FilterClause =
  | {
      readonly kind: 'metric';
      readonly name: string;
      readonly op: ComparisonOp;
      readonly value: number;
    }
  | {
      readonly kind: 'tag' | 'param' | 'status';
      readonly name: string;
      readonly op: '=' | '!=';
      readonly value: string;
    };

/** Conditions that must all hold. */
export interface RunFilter {
  readonly clauses: readonly FilterClause[];
}

const GRAMMAR =
  'write metric<op>number (ops < <= > >= = !=), tag.name=value, param.name=value or status=failed, several joined by " and ", e.g. "rmse<5 and tag.trigger=push"';
const CLAUSE = /^([A-Za-z0-9_.:/-]+)\s*(<=|>=|!=|==|<|>|=)\s*(.*)$/s;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const STATUSES = ['running', 'succeeded', 'failed'];

/** Splits at ` and ` (any case, any spaces) outside quotes. */
function splitClauses(text: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (/\s/.test(ch)) {
      const match = /^\s+and\s+/i.exec(text.slice(i));
      if (match) {
        parts.push(text.slice(start, i));
        i += match[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** A value without its surrounding quotes, if it has matching ones. */
function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    return value.slice(1, -1);
  }
  return value;
}

/** Reads a clause's key: `tag.x`/`tags.x`, `param.x`/`params.x`, `status`, else a metric (`metric.x`, `metrics.x` or `x`). */
function readKey(key: string): { kind: FilterClause['kind']; name: string } {
  const dot = key.indexOf('.');
  const prefix = dot < 0 ? '' : key.slice(0, dot).toLowerCase();
  const rest = key.slice(dot + 1);
  if (prefix === 'tag' || prefix === 'tags') return { kind: 'tag', name: rest };
  if (prefix === 'param' || prefix === 'params') return { kind: 'param', name: rest };
  if (prefix === 'metric' || prefix === 'metrics') return { kind: 'metric', name: rest };
  if (key.toLowerCase() === 'status' || key.toLowerCase() === 'attributes.status') {
    return { kind: 'status', name: 'status' };
  }
  return { kind: 'metric', name: key };
}

/**
 * Parses a run filter: clauses joined by `and`, each `metric<op>number` (`rmse<5`, `metrics.r2>=0.8`),
 * `tag.name=value`, `param.name=value` (also `!=`; values may be quoted) or `status=failed`.
 * A run without the metric matches no metric clause (as in MLflow).
 *
 * @throws UsageError naming every clause that cannot be read, with the grammar
 * @example
 * parseRunFilter('rmse<5 and tag.trigger=push').clauses
 * // [{ kind: 'metric', name: 'rmse', op: '<', value: 5 }, { kind: 'tag', name: 'trigger', op: '=', value: 'push' }]
 */
export function parseRunFilter(text: string): RunFilter {
  const problems: string[] = [];
  const clauses: FilterClause[] = [];
  if (text.trim() === '') throw new UsageError(`the filter is empty: ${GRAMMAR}`);
  for (const part of splitClauses(text.trim())) {
    const match = CLAUSE.exec(part);
    if (match === null) {
      problems.push(`filter clause ${JSON.stringify(part)} is not a condition: ${GRAMMAR}`);
      continue;
    }
    // CLAUSE has three groups, none optional: a match holds all three.
    const [, key = '', opText, rawText = ''] = match;
    const { kind, name } = readKey(key);
    const op = (opText === '==' ? '=' : opText) as ComparisonOp;
    const raw = rawText.trim();
    if (name === '') {
      problems.push(`filter clause ${JSON.stringify(part)} names no ${kind}: ${GRAMMAR}`);
      continue;
    }
    if (kind === 'metric') {
      const value = Number(unquote(raw));
      if (!NUMBER.test(unquote(raw)) || !Number.isFinite(value)) {
        problems.push(
          `filter clause ${JSON.stringify(part)} compares metric ${name} with ${JSON.stringify(raw)}, which is not a number`,
        );
      } else clauses.push({ kind, name, op, value });
      continue;
    }
    if (op !== '=' && op !== '!=') {
      problems.push(
        `filter clause ${JSON.stringify(part)}: ${kind === 'status' ? 'status' : `${kind}s`} compare with = or != only`,
      );
      continue;
    }
    const value = unquote(raw);
    if (kind === 'status' && !STATUSES.includes(value)) {
      problems.push(
        `filter clause ${JSON.stringify(part)}: a status is one of ${STATUSES.join(', ')}`,
      );
      continue;
    }
    clauses.push({ kind, name, op, value });
  }
  if (problems.length > 0) throw new UsageError(problems);
  return { clauses };
}

/**
 * A run's parameters as one map: the entry point's, overlaid by what the project logged in
 * params.json (it knows what it actually used).
 */
function runParameters(run: TrainingRunRecord): Record<string, JsonValue> {
  return { ...run.parameters, ...(run.params ?? {}) };
}

function compare(a: number, op: ComparisonOp, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '=':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** Text equality, numeric when both sides are numbers (`0.5` equals `0.50`). */
function sameText(actual: string | undefined, wanted: string): boolean {
  if (actual === undefined) return false;
  if (NUMBER.test(actual) && NUMBER.test(wanted)) return Number(actual) === Number(wanted);
  return actual === wanted;
}

/** Whether a run meets every clause of a filter. */
export function matchesRunFilter(run: TrainingRunRecord, filter: RunFilter): boolean {
  return filter.clauses.every((clause) => {
    if (clause.kind === 'metric') {
      const value = run.metrics?.[clause.name];
      return value !== undefined && compare(value, clause.op, clause.value);
    }
    let actual: string | undefined;
    if (clause.kind === 'tag') actual = run.tags[clause.name];
    else if (clause.kind === 'status') actual = run.status;
    else actual = parameterText(runParameters(run)[clause.name]);
    const same = sameText(actual, clause.value);
    return clause.op === '=' ? same : !same;
  });
}

/** What to list. */
export interface ListRunsOptions {
  readonly experiment?: string | undefined;
  readonly filter?: RunFilter | undefined;
  /** At most this many, newest first (default 100). */
  readonly limit?: number | undefined;
}

/**
 * The recorded runs, newest first: of one experiment or all, meeting the filter.
 *
 * @example
 * const runs = await listRuns(pool, { experiment: 'ozone-forest', filter: parseRunFilter('rmse<5') });
 */
export async function listRuns(
  db: Queryable,
  options: ListRunsOptions = {},
): Promise<TrainingRunRecord[]> {
  const runs = await readRuns(db, options.experiment ? { experiment: options.experiment } : {});
  const filter = options.filter;
  const matching = filter ? runs.filter((run) => matchesRunFilter(run, filter)) : runs;
  return matching.slice(0, options.limit ?? 100);
}

/** One line of a comparison: a name and each run's value as text (`''` when it has none). */
export interface ComparedValue {
  readonly name: string;
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
}

/** One metric of a comparison, with B − A when both have it. */
export interface ComparedMetric {
  readonly name: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly difference: number | null;
}

/** Two runs side by side. */
export interface RunComparison {
  readonly a: TrainingRunRecord;
  readonly b: TrainingRunRecord;
  readonly run: readonly ComparedValue[];
  readonly params: readonly ComparedValue[];
  readonly metrics: readonly ComparedMetric[];
  readonly data: readonly ComparedValue[];
  readonly environment: readonly ComparedValue[];
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
const text = (value: string | number | null | undefined) =>
  value === null || value === undefined ? '' : String(value);

function sideBySide(
  names: readonly string[],
  a: (name: string) => string,
  b: (name: string) => string,
): ComparedValue[] {
  return names.map((name) => {
    const left = a(name);
    const right = b(name);
    return { name, a: left, b: right, same: left === right };
  });
}

function unionOfKeys(...objects: (object | null | undefined)[]): string[] {
  const names = new Set<string>();
  for (const object of objects) for (const key of Object.keys(object ?? {})) names.add(key);
  return [...names].sort();
}

type Described = Record<string, string>;

function describeRun(run: TrainingRunRecord): Described {
  return {
    experiment: run.experiment,
    status: run.status,
    project: run.projectRef,
    commit: text(run.projectCommit),
    'entry point': run.entryPoint,
    command: run.command,
    started: iso(run.startedAt),
    seconds: run.durationMs === null ? '' : String(run.durationMs / 1000),
    tags: Object.entries(run.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    error: text(run.error),
  };
}

function describeData(run: TrainingRunRecord): Described {
  return {
    station:
      run.stationId === null
        ? ''
        : `${run.stationId} ${run.stationName ?? ''} (${run.stationKey ?? ''})`.trim(),
    variable: run.variable,
    from: iso(run.from),
    to: iso(run.to),
    rows: text(run.rows),
    // 16 hex digits tell tables apart; the full digest is in the record.
    'table sha256': run.tableSha256 === null ? '' : `${run.tableSha256.slice(0, 16)}…`,
    features: run.features
      ? `${run.features.rows} rows × ${run.features.names.length} columns`
      : '',
  };
}

function describeEnvironmentOf(run: TrainingRunRecord): Described {
  const env = run.environment;
  const described: Described = {};
  if ('node' in env) {
    described.node = env.node;
    described.platform = env.platform;
    if (env.lockfile) described[`lockfile ${env.lockfile.path}`] = env.lockfile.sha256;
    if (env.python) {
      described.python = `${env.python.version} (${env.python.source})`;
      if (env.python.requirementsSha256) {
        described['requirements.txt sha256'] = env.python.requirementsSha256;
      }
      for (const [name, version] of Object.entries(env.python.packages)) {
        described[`python package ${name}`] = version;
      }
    }
  }
  return described;
}

/**
 * Two runs side by side: run attributes, parameters (entry point and params.json), metrics with
 * B − A, the data trained on, and the environment (Python packages only where they differ).
 *
 * @example compareRuns(a, b).metrics // [{ name: 'rmse', a: 4.1, b: 3.8, difference: -0.3 }]
 */
export function compareRuns(a: TrainingRunRecord, b: TrainingRunRecord): RunComparison {
  const pair = (describe: (run: TrainingRunRecord) => Described) => {
    const left = describe(a);
    const right = describe(b);
    // In the order the describers list them (a natural order), not sorted.
    return sideBySide(
      [...new Set([...Object.keys(left), ...Object.keys(right)])],
      (name) => left[name] ?? '',
      (name) => right[name] ?? '',
    );
  };
  const paramsA = runParameters(a);
  const paramsB = runParameters(b);
  const metricNames = unionOfKeys(a.metrics, b.metrics);
  const environment = pair(describeEnvironmentOf).filter(
    (row) => !row.name.startsWith('python package ') || !row.same,
  );
  return {
    a,
    b,
    run: pair(describeRun),
    params: sideBySide(
      unionOfKeys(paramsA, paramsB),
      (name) => parameterText(paramsA[name]) ?? '',
      (name) => parameterText(paramsB[name]) ?? '',
    ),
    metrics: metricNames.map((name) => {
      const left = a.metrics?.[name] ?? null;
      const right = b.metrics?.[name] ?? null;
      return {
        name,
        a: left,
        b: right,
        difference: left === null || right === null ? null : right - left,
      };
    }),
    data: pair(describeData),
    environment,
  };
}

/**
 * Reads the two runs to compare, each by id or unique prefix.
 *
 * @throws UsageError naming each id that matches no run or several
 */
export async function readRunPair(
  db: Queryable,
  idA: string,
  idB: string,
): Promise<[TrainingRunRecord, TrainingRunRecord]> {
  const problems: string[] = [];
  const read = async (id: string) => {
    try {
      return await findRun(db, id);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const a = await read(idA);
  const b = await read(idB);
  if (!a || !b) throw new UsageError(problems);
  return [a, b];
}
