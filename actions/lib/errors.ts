/**
 * Errors that carry meaning. Library code throws these (with context and `cause`);
 * only the shells (cli.ts, actions/*\/main.ts) turn them into exit codes or `setFailed`.
 */

/** Base class: every error the library throws on purpose. */
export class FreshetError extends Error {
  override name = 'FreshetError';
}

/** The caller gave something wrong (a flag, an input, a bound). Exit status 2 on the command line. */
export class UsageError extends FreshetError {
  override name = 'UsageError';
  /** Every problem found, so that a user can fix them all at once. */
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[], options?: ErrorOptions) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'), options);
    this.problems = list;
  }
}

/** A source (S3 bucket, folder) could not be listed or read. */
export class SourceError extends FreshetError {
  override name = 'SourceError';
}

/** The database refused or lost a statement. */
export class DatabaseError extends FreshetError {
  override name = 'DatabaseError';
}

/** Describes any thrown value in one line, following `cause` chains. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  // A wrapper often quotes its cause's message: a part already said by an earlier one is left out.
  return parts
    .filter((p, i) => p && !parts.slice(0, i).some((earlier) => earlier.includes(p)))
    .join(': ');
}

/**
 * Runs `parse`; when it throws a UsageError, adds its problems to `problems` and returns undefined
 * instead, so that a checker can report every problem at once. Other errors pass through.
 *
 * @example
 * const problems: string[] = [];
 * const start = collectProblems(problems, () => parseAlignedInstant(text, '--start'));
 * if (problems.length > 0) throw new UsageError(problems);
 */
export function collectProblems<T>(problems: string[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
