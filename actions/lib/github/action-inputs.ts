// Reading an action's inputs into typed values, collecting every problem before failing, so that a
// workflow author fixes all of them in one edit. The reader is a parameter: actions pass
// `core.getInput`, tests pass a map.
import { UsageError } from '../errors.ts';

/** Returns an input's raw text, '' when it is not set (what `core.getInput` does). */
export type ReadInput = (name: string) => string;

/** A parser in the library's style: text and a label for messages in, a value out, UsageError otherwise. */
export type TextParser<T> = (text: string, label: string) => T;

/** How inputs are named in messages: `input 'max-chunks'`. */
export function inputLabel(name: string): string {
  return `input '${name}'`;
}

/**
 * Collects typed inputs and every problem with them. Each getter returns `undefined` after recording
 * a problem; call {@link ActionInputs.finish} before using the values, which throws one UsageError
 * listing every problem.
 *
 * Empty text means "not set": a workflow that passes `${{ inputs.chunk }}` on a scheduled run (where
 * `inputs` is empty) sends '' rather than leaving the input out, and the runner then does not apply
 * action.yml's default. So every default lives here too, and a test checks that it matches action.yml.
 *
 * @example
 * const inputs = new ActionInputs((name) => core.getInput(name));
 * const chunkMs = inputs.parse('chunk', '1h', parseDuration);
 * inputs.finish();
 * run({ chunkMs: chunkMs! });
 */
export class ActionInputs {
  readonly #read: ReadInput;
  readonly #problems: string[] = [];

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
    const text = this.text(name, String(fallback));
    const value = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
      this.#problems.push(
        `${inputLabel(name)} ${JSON.stringify(text)} is not a whole number from ${bounds.min} to ${bounds.max}` +
          (bounds.why ? ` (${bounds.why})` : ''),
      );
      return undefined;
    }
    return value;
  }

  /**
   * A boolean as YAML 1.2's core schema writes one (`true`, `True`, `TRUE`, `false`, …), the same
   * set `core.getBooleanInput` accepts; `fallback` when empty.
   */
  boolean(name: string, fallback: boolean): boolean | undefined {
    const text = this.text(name);
    if (text === '') return fallback;
    if (['true', 'True', 'TRUE'].includes(text)) return true;
    if (['false', 'False', 'FALSE'].includes(text)) return false;
    this.#problems.push(
      `${inputLabel(name)} ${JSON.stringify(text)} is not a boolean: use true or false`,
    );
    return undefined;
  }

  /**
   * Throws one UsageError listing every problem recorded; returns normally when there is none, after
   * which every getter's value that had no problem is defined.
   */
  finish(): void {
    if (this.#problems.length > 0) throw new UsageError(this.#problems);
  }
}
