// The one message an action fails with.
import { describeError, UsageError } from '../errors.ts';

/**
 * Words the failure of an action: a UsageError lists every problem so that all can be fixed in one
 * edit; anything else is described along its `cause` chain.
 *
 * @example core.setFailed(failureMessage(error));
 */
export function failureMessage(error: unknown): string {
  if (error instanceof UsageError) {
    const problems = error.problems.map((p) => `- ${p}`).join('\n');
    return `The action's inputs need fixing:\n${problems}`;
  }
  return describeError(error);
}
