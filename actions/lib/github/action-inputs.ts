// Reading an action's inputs into typed values, collecting every problem before failing, so that a
// workflow author fixes all of them in one edit. The reader is a parameter: actions pass
// `core.getInput`, tests pass a map. What each input is (its default, parser and bounds) is
// declared once in lib/settings/, which the command line reads too.
import { UsageError } from '../errors.ts';
import { type Complete, complete, orderProblem, type ReadSetting } from '../settings/complete.ts';
import { parseBoolean, wholeNumber } from '../settings/parsers.ts';
import {
  type AnySetting,
  inputFallback,
  inputLabel,
  type OrderRule,
  type Parser,
  type Setting,
} from '../settings/setting.ts';

export { inputLabel };

/** Returns an input's raw text, '' when it is not set (what `core.getInput` does). */
export type ReadInput = (name: string) => string;

/** A parser in the library's style: text and a label for messages in, a value out, UsageError otherwise. */
export type TextParser<T> = Parser<T>;

/**
 * Collects typed inputs and every problem with them. Each getter returns `undefined` after recording
 * a problem; {@link ActionInputs.finish} throws one UsageError listing every problem, or returns
 * the values it is given, every one defined.
 *
 * Empty text means "not set": a workflow that passes `${{ inputs.chunk }}` on a scheduled run (where
 * `inputs` is empty) sends '' rather than leaving the input out, and the runner then does not apply
 * action.yml's default. So every default lives in the setting's description too, and a test checks
 * that action.yml says the same.
 *
 * @example
 * const inputs = new ActionInputs((name) => core.getInput(name));
 * const { chunkMs } = inputs.finish({ chunkMs: inputs.read(PLAN.chunk) });
 */
export class ActionInputs {
  readonly #read: ReadInput;
  readonly #problems: string[] = [];
  /** What each setting read so far was given, for problems that relate two of them. */
  readonly #seen = new Map<AnySetting, ReadSetting>();

  constructor(read: ReadInput) {
    this.#read = read;
  }

  /** Every problem recorded so far. */
  get problems(): readonly string[] {
    return this.#problems;
  }

  /** Records a problem found by the caller (one that relates several inputs, say). */
  problem(message: string): void {
    this.#problems.push(message);
  }

  /** The input's text without surrounding space, or `fallback` when it is empty. */
  text(name: string, fallback = ''): string {
    const text = this.#read(name).trim();
    return text === '' ? fallback : text;
  }

  /**
   * Reads a setting's input as its description says: an empty input stands for the setting's
   * default; without one, an optional input is absent (undefined, no problem) and a required one is
   * parsed from '' so that its parser says what is missing, unless the setting says what to do
   * when it is empty.
   *
   * @throws Error when the setting is not an action input (a bug in the action)
   * @example inputs.read(PLAN.chunk) // 3_600_000 for '1h', or for an empty input
   */
  read<T>(setting: Setting<T>): T | undefined {
    const spec = setting.action;
    if (spec === undefined) throw new Error(`bug: ${setting.name} is not an action input`);
    const given = this.text(spec.input);
    if (given === '' && spec.whenEmpty !== undefined) {
      this.#problems.push(`${inputLabel(spec.input)} is empty: ${spec.whenEmpty}`);
      return undefined;
    }
    const fallback = inputFallback(setting);
    if (given === '' && fallback === undefined && spec.required !== true) return undefined;
    const text = given === '' ? (fallback ?? '') : given;
    const value = this.parse(spec.input, text, setting.parse);
    this.#seen.set(setting, { label: inputLabel(spec.input), text, value });
    return value;
  }

  /** Records the problem when `rule.later`'s input does not come after `rule.earlier`'s. */
  order(rule: OrderRule): void {
    const problem = orderProblem(rule, this.#seen.get(rule.later), this.#seen.get(rule.earlier));
    if (problem !== undefined) this.#problems.push(problem);
  }

  /** The input's text; a problem saying `hint` when it is empty. */
  required(name: string, hint: string): string | undefined {
    const text = this.text(name);
    if (text === '') {
      this.#problems.push(`${inputLabel(name)} is empty: ${hint}`);
      return undefined;
    }
    return text;
  }

  /**
   * Parses the input (or `fallback` when it is empty) with a library parser, recording its
   * UsageError's problems. With an empty fallback, an empty input is a problem.
   */
  parse<T>(name: string, fallback: string, parser: TextParser<T>): T | undefined {
    const text = this.text(name, fallback);
    try {
      return parser(text, inputLabel(name));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.#problems.push(...error.problems);
      return undefined;
    }
  }

  /** Like {@link ActionInputs.parse}, but an empty input is simply absent. */
  optional<T>(name: string, parser: TextParser<T>): T | undefined {
    return this.text(name) === '' ? undefined : this.parse(name, '', parser);
  }

  /** A whole number from `min` to `max`, `fallback` when empty. */
  integer(
    name: string,
    fallback: number,
    bounds: { min: number; max: number; why?: string },
  ): number | undefined {
    return this.parse(name, String(fallback), wholeNumber(bounds));
  }

  /**
   * A boolean as YAML 1.2's core schema writes one (`true`, `True`, `TRUE`, `false`, …), the same
   * set `core.getBooleanInput` accepts; `fallback` when empty.
   */
  boolean(name: string, fallback: boolean): boolean | undefined {
    return this.parse(name, String(fallback), parseBoolean);
  }

  /**
   * Throws one UsageError listing every problem recorded; returns normally when there is none.
   * Given values, returns them with `undefined` taken out of their types (each is checked): a
   * getter returns undefined only after recording a problem.
   */
  finish(): void;
  finish<V extends Record<string, unknown>>(values: V): Complete<V>;
  finish<V extends Record<string, unknown>>(values?: V): Complete<V> | undefined {
    if (values === undefined) {
      if (this.#problems.length > 0) throw new UsageError(this.#problems);
      return undefined;
    }
    return complete(this.#problems, values);
  }
}
