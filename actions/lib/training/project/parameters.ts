// Entry-point parameters: typed definitions from the project file, typed values from text
// (workflow inputs, `--param k=v`), and their text again for the command. Pure.
import { collectProblems, UsageError } from '../../errors.ts';
import type { JsonValue } from '../forest/model-format.ts';
import { isRecord, showValue, unknownKeyProblems } from './validation.ts';

const PARAMETER_TYPES = ['int', 'float', 'string', 'bool'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export type ParameterValue = number | string | boolean;

/** One parameter: its type and, unless it must be given, its default. */
export interface ParameterDefinition {
  readonly type: ParameterType;
  readonly default?: ParameterValue;
}

/** The parameters of one entry point, in the order the project file lists them. */
export interface ParameterSet {
  /** The entry point's name, for messages. */
  readonly name: string;
  readonly parameters: Readonly<Record<string, ParameterDefinition>>;
}

/** Parameter names are placeholders (`{n_trees}`): letters, digits and `_`, not starting with a digit. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const EXAMPLE: Record<ParameterType, string> = {
  int: 'a whole number such as 100',
  float: 'a number such as 0.5',
  string: 'a string',
  bool: 'true or false',
};
const DEFINITION_KEYS = ['type', 'default'] as const;

/** Whether a default fits its type; a string default is text (quote numbers in YAML: "12"). */
function fitsType(type: ParameterType, value: unknown): value is ParameterValue {
  switch (type) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string' && !value.includes('\0');
    case 'bool':
      return typeof value === 'boolean';
  }
}

/**
 * Checks one parameter definition from a project file: `{ type, default? }`, or the type alone
 * (`n_trees: int`, a parameter without default). Returns the definition or the problems.
 */
export function parseParameterDefinition(
  value: unknown,
  label: string,
): { definition?: ParameterDefinition; problems: string[] } {
  const typeProblem = (type: unknown) =>
    `${label}.type must be one of ${PARAMETER_TYPES.join(', ')}, got ${showValue(type)}`;
  if (typeof value === 'string') {
    if ((PARAMETER_TYPES as readonly string[]).includes(value)) {
      return { definition: { type: value as ParameterType }, problems: [] };
    }
    return { problems: [typeProblem(value)] };
  }
  if (!isRecord(value)) {
    return {
      problems: [
        `${label} must be a mapping such as { type: int, default: 100 } or a type alone, got ${showValue(value)}`,
      ],
    };
  }
  const problems = unknownKeyProblems(value, DEFINITION_KEYS, label, 'a parameter setting');
  const type = value.type;
  if (!(PARAMETER_TYPES as readonly unknown[]).includes(type)) {
    problems.push(typeProblem(type));
    return { problems };
  }
  const typed = type as ParameterType;
  if (value.default !== undefined && value.default !== null && !fitsType(typed, value.default)) {
    const hint =
      typed === 'string' && typeof value.default !== 'string'
        ? ` (quote it: "${String(value.default)}")`
        : '';
    problems.push(
      `${label}.default must be ${EXAMPLE[typed]} (type ${typed}), got ${showValue(value.default)}${hint}`,
    );
  }
  if (problems.length > 0) return { problems };
  const hasDefault = value.default !== undefined && value.default !== null;
  return {
    definition: {
      type: typed,
      ...(hasDefault ? { default: value.default as ParameterValue } : {}),
    },
    problems,
  };
}

/**
 * Reads a parameter's value from text.
 *
 * @throws UsageError when the text is not of the type: int is `[+-]digits` (a safe integer), float
 *   a decimal number (exponent allowed), bool `true` or `false` (any case); a string may not hold NUL
 * @example parseParameterValue('float', '1e-3', 'alpha') === 0.001
 */
export function parseParameterValue(
  type: ParameterType,
  text: string,
  label: string,
): ParameterValue {
  const trimmed = text.trim();
  const wrong = () =>
    new UsageError(`${label} must be ${EXAMPLE[type]} (type ${type}), got ${showValue(text)}`);
  switch (type) {
    case 'int': {
      const n = Number(trimmed);
      if (!INTEGER.test(trimmed) || !Number.isSafeInteger(n)) throw wrong();
      return n;
    }
    case 'float': {
      const n = Number(trimmed);
      if (!FLOAT.test(trimmed) || !Number.isFinite(n)) throw wrong();
      return n;
    }
    case 'bool': {
      const lower = trimmed.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw wrong();
      return lower === 'true';
    }
    case 'string':
      // A shell argument cannot carry NUL; refuse it rather than cut the value short.
      if (text.includes('\0')) throw new UsageError(`${label} contains a NUL character`);
      return text;
  }
}

/**
 * A value as the command receives it (before quoting): numbers as JavaScript's `String`, booleans
 * as `true`/`false`, strings as they are.
 */
export function formatParameterValue(value: ParameterValue): string {
  return String(value);
}

/**
 * A recorded parameter's value as text, as run filters and the job summary show it: strings as
 * they are, anything else as JSON.
 *
 * @example parameterText(50) === '50'; parameterText({ a: 1 }) === '{"a":1}'
 */
export function parameterText(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Edit distance, to suggest the parameter someone meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      // previous has b.length + 1 entries and current j entries so far: j − 1 and j are inside.
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!; // b.length + 1 entries
}

/**
 * Turns given texts into every parameter's typed value: given ones converted to their type, the
 * others from their defaults. Collects every problem: unknown names (listing the known ones, and
 * the nearest one), values not of their type, required parameters not given.
 *
 * @throws UsageError listing every problem
 * @example
 * resolveParameters(entry, { n_trees: '50' }) // { n_trees: 50, max_depth: 12 }
 */
export function resolveParameters(
  entry: ParameterSet,
  given: Readonly<Record<string, string>>,
): Record<string, ParameterValue> {
  const known = Object.keys(entry.parameters);
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (Object.hasOwn(entry.parameters, name)) continue;
    const nearest = known
      .map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) }))
      .filter(({ d }) => d <= 2)
      .sort((a, b) => a.d - b.d)[0];
    const guess = nearest ? ` (did you mean ${nearest.k}?)` : '';
    const list = known.length === 0 ? 'it takes none' : `its parameters are ${known.join(', ')}`;
    problems.push(`entry point ${entry.name} has no parameter ${name}${guess}: ${list}`);
  }
  // Entries, then fromEntries: own properties whatever the names (even `constructor`).
  const values: [string, ParameterValue][] = [];
  for (const [name, definition] of Object.entries(entry.parameters)) {
    const text = Object.hasOwn(given, name) ? given[name] : undefined;
    if (text !== undefined) {
      const value = collectProblems(problems, () =>
        parseParameterValue(definition.type, text, `parameter ${name}`),
      );
      if (value !== undefined) values.push([name, value]);
    } else if (definition.default !== undefined) {
      values.push([name, definition.default]);
    } else {
      problems.push(
        `parameter ${name} (${definition.type}) of entry point ${entry.name} has no default: give a value`,
      );
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return Object.fromEntries(values);
}
