// Training projects: `freshet-project.yml` (modelled on MLflow's MLproject) parsed and checked once,
// every problem together; entry points, their parameters and commands. Pure: load-project.ts reads.
import { parseDocument } from 'yaml';
import { collectProblems, UsageError } from '../../errors.ts';
import { type FeatureSpec, featureSpecProblems, parseFeatureSpec } from '../data/feature-spec.ts';
import {
  type DataDefaults,
  parseStationRef,
  parseWindowDuration,
  type StationRef,
} from '../data/selection-request.ts';
import { type CommandTemplate, fillTemplate, parseCommandTemplate } from './command-template.ts';
import {
  formatParameterValue,
  PARAMETER_NAME,
  type ParameterDefinition,
  type ParameterValue,
  parseParameterDefinition,
} from './parameters.ts';
import { isRecord, showValue, unknownKeyProblems, variableNameProblem } from './validation.ts';

/** The project file in a project's folder. */
export const PROJECT_FILE = 'freshet-project.yml';

/** The entry point run when none is named. */
const DEFAULT_ENTRY_POINT = 'main';

/** One way to run a project: its typed parameters and its command template. */
export interface EntryPoint {
  readonly name: string;
  /** In the order the file lists them. */
  readonly parameters: Readonly<Record<string, ParameterDefinition>>;
  /** The command as written, with `{parameter}` placeholders. */
  readonly command: string;
  readonly template: CommandTemplate;
}

/** A checked `freshet-project.yml`. */
export interface TrainingProject {
  /** The experiment name; model versions are published under it. */
  readonly name: string;
  readonly entryPoints: Readonly<Record<string, EntryPoint>>;
  /** What to select when no one says otherwise. */
  readonly data?: DataDefaults;
  /** When present, the runner also writes the feature table. */
  readonly features?: FeatureSpec;
}

const TOP_KEYS = ['name', 'entry_points', 'data', 'features'] as const;
const ENTRY_KEYS = ['parameters', 'command'] as const;
const DATA_KEYS = ['variable', 'station', 'window'] as const;
// MLproject keys someone may bring along, and what to do instead.
const MLFLOW_HINTS: Record<string, string> = {
  conda_env: 'install dependencies in the command or the workflow instead',
  python_env: 'install dependencies in the command or the workflow instead',
  docker_env: 'run the container from the command instead',
};
// The name becomes a release tag (`model/<name>/v3`) and a URL path segment (`/models/<name>`).
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENTRY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** Problems collected while checking, each with the path of the setting it is about. */
type Problems = string[];

const attempt = collectProblems;

function checkEntryPoint(name: string, value: unknown, problems: Problems): EntryPoint | undefined {
  const label = `entry_points.${name}`;
  if (!ENTRY_NAME.test(name)) {
    problems.push(
      `${label}: an entry point name uses letters, digits, _, . and - (e.g. main, evaluate)`,
    );
  }
  if (!isRecord(value)) {
    problems.push(
      `${label} must be a mapping with command and parameters, got ${showValue(value)}`,
    );
    return undefined;
  }
  problems.push(...unknownKeyProblems(value, ENTRY_KEYS, label, 'an entry point setting'));
  const parameters: [string, ParameterDefinition][] = [];
  const given = value.parameters ?? {};
  if (!isRecord(given)) {
    problems.push(
      `${label}.parameters must be a mapping of name to { type, default }, got ${showValue(given)}`,
    );
  } else {
    for (const [parameter, definition] of Object.entries(given)) {
      const at = `${label}.parameters.${parameter}`;
      if (!PARAMETER_NAME.test(parameter) || parameter === '__proto__') {
        problems.push(
          `${at}: a parameter name uses letters, digits and _ and does not start with a digit (it is a {placeholder})`,
        );
      }
      const checked = parseParameterDefinition(definition, at);
      problems.push(...checked.problems);
      if (checked.definition) parameters.push([parameter, checked.definition]);
    }
  }
  const command = value.command;
  if (typeof command !== 'string' || command.trim() === '') {
    problems.push(
      `${label}.command must be the shell command to run, e.g. "python train.py --trees {n_trees}", got ${showValue(command)}`,
    );
    return undefined;
  }
  const template = parseCommandTemplate(command);
  const known = isRecord(given) ? Object.keys(given) : [];
  for (const placeholder of template.parameters) {
    if (known.includes(placeholder)) continue;
    const fix =
      known.length === 0
        ? 'declare it under parameters'
        : `declare it, or use one of ${known.map((k) => `{${k}}`).join(', ')}`;
    problems.push(
      `${label}.command uses {${placeholder}}, which is not a parameter: ${fix} (write {{ and }} for literal braces)`,
    );
  }
  return { name, parameters: Object.fromEntries(parameters), command, template };
}

function checkData(value: unknown, problems: Problems): DataDefaults | undefined {
  if (!isRecord(value)) {
    problems.push(
      `data must be a mapping with variable, station and window, got ${showValue(value)}`,
    );
    return undefined;
  }
  problems.push(...unknownKeyProblems(value, DATA_KEYS, 'data', 'a data setting'));
  let variable: string | undefined;
  if (value.variable !== undefined) {
    const problem = variableNameProblem(value.variable, 'data.variable');
    if (problem === undefined) variable = value.variable as string;
    else problems.push(problem);
  }
  let station: StationRef | undefined;
  if (value.station !== undefined) {
    station = attempt(problems, () => parseStationRef(value.station, 'data.station'));
  }
  let window: string | undefined;
  if (value.window !== undefined) {
    if (typeof value.window !== 'string') {
      problems.push(
        `data.window must be an ISO 8601 duration such as P365D, got ${showValue(value.window)}`,
      );
    } else if (
      attempt(problems, () => parseWindowDuration(value.window as string, 'data.window'))
    ) {
      window = value.window.trim();
    }
  }
  return {
    ...(variable !== undefined ? { variable } : {}),
    ...(station !== undefined ? { station } : {}),
    ...(window !== undefined ? { window } : {}),
  };
}

/**
 * Parses and checks a project file's text, collecting every problem: YAML errors, unknown keys
 * (with a hint for MLflow-only ones), wrong types, placeholders without a parameter, an invalid
 * feature specification, a features target that is not the data variable.
 *
 * @param source the file's name or path, prefixed to every problem
 * @throws UsageError listing every problem
 * @example
 * parseProject('name: ozone\nentry_points:\n  main:\n    command: node train.ts\n')
 * // { name: 'ozone', entryPoints: { main: { name: 'main', parameters: {}, command: 'node train.ts', … } } }
 */
export function parseProject(text: string, source: string = PROJECT_FILE): TrainingProject {
  const fail = (problems: readonly string[]) =>
    new UsageError(problems.map((p) => `${source}: ${p}`));
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    // The first line says what and where; the rest is a code excerpt.
    throw fail(
      doc.errors.map((e) => `YAML: ${(e.message.split('\n')[0] ?? '').replace(/:$/, '')}`),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isRecord(value)) {
    throw fail([
      `the file must be a mapping with name and entry_points (and optionally data, features), got ${showValue(value)}`,
    ]);
  }
  const problems: Problems = [];
  for (const key of Object.keys(value)) {
    if (TOP_KEYS.includes(key as (typeof TOP_KEYS)[number])) continue;
    const hint = MLFLOW_HINTS[key];
    problems.push(
      hint
        ? `${key} is not supported: ${hint}`
        : `${key} is not a project setting: use ${TOP_KEYS.join(', ')}`,
    );
  }
  const name = value.name;
  if (typeof name !== 'string' || !PROJECT_NAME.test(name)) {
    problems.push(
      `name must be the experiment name: letters, digits, ., _ and -, at most 64 characters, starting with a letter or digit (e.g. ozone-forest), got ${showValue(name)}`,
    );
  }
  const entryPoints: [string, EntryPoint][] = [];
  if (!isRecord(value.entry_points) || Object.keys(value.entry_points).length === 0) {
    problems.push(
      `entry_points must map at least one name (usually ${DEFAULT_ENTRY_POINT}) to { command, parameters }, got ${showValue(value.entry_points)}`,
    );
  } else {
    for (const [entryName, entry] of Object.entries(value.entry_points)) {
      const checked = checkEntryPoint(entryName, entry, problems);
      if (checked) entryPoints.push([entryName, checked]);
    }
  }
  const data = value.data === undefined ? undefined : checkData(value.data, problems);
  let features: FeatureSpec | undefined;
  if (value.features !== undefined) {
    const featureProblems = featureSpecProblems(value.features, 'features');
    problems.push(...featureProblems);
    if (featureProblems.length === 0) features = parseFeatureSpec(value.features, 'features');
  }
  if (features && data?.variable !== undefined && features.target !== data.variable) {
    problems.push(
      `features.target ${features.target} is not data.variable ${data.variable}: the training table holds data.variable, so make them the same`,
    );
  }
  if (problems.length > 0) throw fail(problems);
  return {
    name: name as string,
    entryPoints: Object.fromEntries(entryPoints),
    ...(data !== undefined ? { data } : {}),
    ...(features !== undefined ? { features } : {}),
  };
}

/**
 * The entry point `name` of a project.
 *
 * @throws UsageError naming the entry points there are
 */
export function getEntryPoint(
  project: TrainingProject,
  name: string = DEFAULT_ENTRY_POINT,
): EntryPoint {
  const entry = Object.hasOwn(project.entryPoints, name) ? project.entryPoints[name] : undefined;
  if (entry !== undefined) return entry;
  throw new UsageError(
    `project ${project.name} has no entry point ${name}: use one of ${Object.keys(project.entryPoints).join(', ')}`,
  );
}

/**
 * The entry point's command with every placeholder replaced by its parameter's value, shell-quoted
 * (POSIX single quotes, `'\''` for an embedded quote). Values come from `resolveParameters`.
 *
 * @throws UsageError when a placeholder's parameter has no value
 * @example
 * renderCommand(entry, { n_trees: 50, label: "it's" })
 * // "python train.py --trees '50' --label 'it'\\''s'"
 */
export function renderCommand(
  entry: EntryPoint,
  params: Readonly<Record<string, ParameterValue>>,
): string {
  const texts: [string, string][] = [];
  const missing: string[] = [];
  for (const name of entry.template.parameters) {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value !== undefined) texts.push([name, formatParameterValue(value)]);
    else missing.push(`the command of entry point ${entry.name} needs a value for {${name}}`);
  }
  if (missing.length > 0) throw new UsageError(missing);
  return fillTemplate(entry.template, Object.fromEntries(texts));
}
