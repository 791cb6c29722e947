// Shared by the training tests: readable hours and error capture.
import { UsageError } from '../../../actions/lib/errors.ts';

export const HOUR = 3_600_000;

/** Epoch ms of an ISO instant, e.g. `at('2014-01-01T05:00:00Z')`. */
export function at(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`bad instant in a test: ${text}`);
  return ms;
}

export { usageError } from '../../support/usage-problems.ts';

/** The UsageError a promise rejects with. */
export async function rejectsWithUsageError(promise: Promise<unknown>): Promise<UsageError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError, but the promise resolved');
}
