import { parseInstant } from '../../../actions/lib/interval/instant.ts';
import type { IntervalAttempt } from '../../../actions/lib/interval/types.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Epoch ms of an ISO instant, e.g. `at('2014-01-01T00:10Z')`. */
export function at(text: string): number {
  return parseInstant(text, 'test');
}

export { usageError } from '../../support/usage-problems.ts';

/**
 * One attempt of the interval starting at `intervalStart`: by default it succeeded with 3 objects
 * under rules version 1, started a minute after the interval ended, with a two-hour lease.
 */
export function attempt(
  intervalStart: number,
  overrides: Partial<Omit<IntervalAttempt, 'intervalStart'>> = {},
): IntervalAttempt {
  const startedAt = overrides.startedAt ?? intervalStart + 11 * MINUTE;
  return {
    intervalStart,
    status: 'succeeded',
    startedAt,
    leaseUntil: startedAt + 2 * HOUR,
    objects: 3,
    rulesVersion: 1,
    ...overrides,
  };
}
