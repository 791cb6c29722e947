// Tests often reach for an element they expect to be there (the first failure, a regexp group).
// `defined` says which one was missing instead of a TypeError on `undefined`.

/**
 * `value` when it is neither undefined nor null; otherwise an error naming `what` was missing.
 *
 * @throws Error naming `what` when the value is undefined or null
 * @example
 * expect(defined(report.failures[0], 'a failure').error).toMatch(/nothing of it was stored/);
 */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found ${value}`);
  return value;
}
