import { UsageError } from '../../actions/lib/errors.ts';

/**
 * The problems of the UsageError that `fn` throws, or `[]` when it throws nothing; any other error
 * propagates. Tests assert the list, so a missing error shows as `[]` against the expected problems.
 *
 * @example expect(usageProblems(() => parseDuration('7m', '--chunk'))).toEqual(['--chunk 7m …'])
 */
export function usageProblems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
  return [];
}

/** The UsageError `run` throws; fails the test when it throws nothing or something else. */
export function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError, but nothing was thrown');
}
