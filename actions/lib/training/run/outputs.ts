// What a project must leave in its output folder — params.json, metrics.json, model.json — read
// and checked before a run may count as succeeded. The checks are pure; readRunOutputs reads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FreshetError, UsageError } from '../../errors.ts';
import { type JsonValue, parseModelJson, type ServingForest } from '../forest/model-format.ts';
import { isRecord, showValue } from '../project/validation.ts';

/** The files every run must write, by role. */
const REQUIRED_OUTPUTS = {
  params: 'params.json',
  metrics: 'metrics.json',
  model: 'model.json',
} as const;

/**
 * Metric names a run filter can name (`rmse`, `val_rmse`, `mae.24h`): letters, digits and
 * `_ . - / :`, at most 100 characters.
 */
const METRIC_NAME = /^[A-Za-z0-9_.:/-]{1,100}$/;

/** The outcome of a check: the value, or what is wrong with it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function parseJson(text: string, file: string): Checked<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // Python's json.dumps writes NaN and Infinity, which are not JSON.
    const hint = /\b(NaN|-?Infinity)\b/.test(text)
      ? ' (NaN and Infinity are not JSON: write finite numbers)'
      : '';
    return {
      ok: false,
      problems: [`${file} is not valid JSON: ${(error as Error).message}${hint}`],
    };
  }
}

/**
 * Checks params.json: a JSON object (the parameters the project used, any JSON values).
 *
 * @example checkParams('{"n_trees": 50}') // { ok: true, value: { n_trees: 50 } }
 */
export function checkParams(text: string): Checked<Record<string, JsonValue>> {
  const file = REQUIRED_OUTPUTS.params;
  const parsed = parseJson(text, file);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value)) {
    return {
      ok: false,
      problems: [
        `${file} must be a JSON object of parameter names to values, got ${showValue(parsed.value)}`,
      ],
    };
  }
  return { ok: true, value: parsed.value as Record<string, JsonValue> };
}

/**
 * Checks metrics.json: a JSON object of metric names ({@link METRIC_NAME}) to finite numbers.
 *
 * @example checkMetrics('{"rmse": "low"}').problems // ['metrics.json: metric rmse must be a finite number, got "low"']
 */
export function checkMetrics(text: string): Checked<Record<string, number>> {
  const file = REQUIRED_OUTPUTS.metrics;
  const parsed = parseJson(text, file);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value)) {
    return {
      ok: false,
      problems: [
        `${file} must be a JSON object of metric names to numbers, e.g. {"rmse": 4.2}, got ${showValue(parsed.value)}`,
      ],
    };
  }
  const problems: string[] = [];
  const metrics: [string, number][] = [];
  for (const [name, value] of Object.entries(parsed.value)) {
    if (!METRIC_NAME.test(name)) {
      problems.push(
        `${file}: metric name ${showValue(name)} is not usable: use letters, digits and _ . - / : (at most 100)`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${file}: metric ${name} must be a finite number, got ${showValue(value)}`);
    } else metrics.push([name, value]);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: Object.fromEntries(metrics) };
}

/** Checks model.json with the forest's own reader. */
export function checkModel(text: string): Checked<ServingForest> {
  try {
    return { ok: true, value: parseModelJson(text) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, problems: [...error.problems] };
    throw error;
  }
}

/** A run's checked outputs. */
export interface RunOutputs {
  readonly params: Record<string, JsonValue>;
  readonly metrics: Record<string, number>;
  readonly model: ServingForest;
}

/**
 * Reads and checks the outputs in `dir`, collecting every problem of all three files.
 *
 * @throws FreshetError listing every problem (missing files, invalid JSON, non-finite metrics,
 *   an invalid model)
 */
export async function readRunOutputs(dir: string): Promise<RunOutputs> {
  const problems: string[] = [];
  const read = async <T>(file: string, check: (text: string) => Checked<T>) => {
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      problems.push(`${file} is missing: write it into $FRESHET_OUTPUT_DIR`);
      return undefined;
    }
    const checked = check(text);
    if (checked.ok) return checked.value;
    problems.push(...checked.problems);
    return undefined;
  };
  const params = await read(REQUIRED_OUTPUTS.params, checkParams);
  const metrics = await read(REQUIRED_OUTPUTS.metrics, checkMetrics);
  const model = await read(REQUIRED_OUTPUTS.model, checkModel);
  if (problems.length > 0 || !params || !metrics || !model) {
    throw new FreshetError(`the project's outputs are not valid:\n${problems.join('\n')}`);
  }
  return { params, metrics, model };
}
