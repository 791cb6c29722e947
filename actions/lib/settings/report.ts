// The report action (no command line): the run's job results and where the failure issue is kept.
import { UsageError } from '../errors.ts';
import { FAILURE_LABEL, parseNeeds } from '../github/failure-issue.ts';
import { parseText } from './parsers.ts';
import type { Setting } from './setting.ts';

/**
 * Checks an issue label: the issues API filters by a comma-separated list, so a label with a comma
 * would never be found again.
 *
 * @throws UsageError when it holds a comma
 * @example parseLabel('ingest-failure', "input 'label'") === 'ingest-failure'
 */
export function parseLabel(text: string, label: string): string {
  if (text.includes(',')) {
    throw new UsageError(`${label} ${JSON.stringify(text)} holds a comma: use a label without one`);
  }
  return text;
}

/** The report settings, in action.yml's order. */
export const REPORT = {
  needs: {
    name: 'needs',
    help: 'the jobs of this run and their results: toJSON(needs)',
    placeholder: 'JSON',
    parse: parseNeeds,
    action: {
      input: 'needs',
      description:
        'The jobs of this run and their results: pass toJSON(needs) from a job with ' +
        '`needs: [plan, ingest]` and `if: always()`. A job that failed or was cancelled fails the ' +
        'run; a skipped one does not.',
      required: true,
    },
  },
  label: {
    name: 'label',
    help: 'the label that marks the failure issue',
    placeholder: 'LABEL',
    default: FAILURE_LABEL,
    parse: parseLabel,
    action: {
      input: 'label',
      description:
        'The label that marks the failure issue (created with the issue if it does not exist).',
    },
  },
  token: {
    name: 'token',
    help: 'a token allowed to write issues',
    placeholder: 'TOKEN',
    parse: parseText,
    action: {
      input: 'token',
      description:
        "A token allowed to write issues: the job's own token, given `issues: write` in the " +
        "job's permissions.",
      // An expression the runner evaluates: an empty input (a workflow passing '') cannot fall
      // back to it, so it is a problem.
      default: `\${{ github.token }}`,
      whenEmpty: `pass token: \${{ github.token }} (the default)`,
    },
  },
} as const satisfies Record<string, Setting<unknown>>;
