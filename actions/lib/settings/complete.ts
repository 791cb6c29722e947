// Turning "every value read, or a problem recorded" into values a shell can use without assertions.
import { UsageError } from '../errors.ts';
import type { OrderRule } from './setting.ts';

/** `values` with `undefined` taken out of every member's type. */
export type Complete<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/**
 * Throws one UsageError listing every problem when there is any; otherwise returns `values`, each
 * checked to be defined. A reader returns `undefined` only after recording a problem, so an
 * undefined value without a problem is a bug in the shell, and says so.
 *
 * @example
 * const { start, end } = complete(problems, { start: reader.value(INGEST.start), end: … });
 */
export function complete<T extends Record<string, unknown>>(
  problems: readonly string[],
  values: T,
): Complete<T> {
  if (problems.length > 0) throw new UsageError(problems);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) {
      throw new Error(`bug: the setting ${name} has no value, and no problem was recorded`);
    }
  }
  return values as Complete<T>;
}

/** How a shell shows one setting it read: its label, the text given, and the value parsed. */
export interface ReadSetting {
  readonly label: string;
  readonly text: string;
  readonly value: unknown;
}

/**
 * The problem when a rule's `later` setting does not come after its `earlier` one, in the shell's
 * terms; undefined when it does, or when either is missing (its own problem says why).
 *
 * @example
 * orderProblem(INGEST_ORDER, { label: '--end', text: '2014-01-01', value: … }, { label: '--start', … })
 * // "--end 2014-01-01 is not after --start 2014-01-02: a chunk holds at least one interval"
 */
export function orderProblem(
  rule: OrderRule,
  later: ReadSetting | undefined,
  earlier: ReadSetting | undefined,
): string | undefined {
  if (typeof later?.value !== 'number' || typeof earlier?.value !== 'number') return undefined;
  if (later.value > earlier.value) return undefined;
  return `${later.label} ${later.text} is not after ${earlier.label} ${earlier.text}: ${rule.why}`;
}
