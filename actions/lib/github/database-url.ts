// The database address an action is given: checked without ever being quoted.
import type { ActionInputs } from './action-inputs.ts';
import { inputLabel } from './action-inputs.ts';

/**
 * Reads the `database-url` input: required, and a `postgres://` or `postgresql://` URL. Messages
 * never quote it (it holds a password); mask it with databaseUrlSecrets first all the same.
 */
export function readDatabaseUrl(inputs: ActionInputs, name = 'database-url'): string | undefined {
  const url = inputs.required(
    name,
    `set the repository secret DATABASE_URL and pass ${name}: \${{ secrets.DATABASE_URL }}`,
  );
  if (url !== undefined && !/^postgres(?:ql)?:\/\/./i.test(url)) {
    inputs.problem(
      `${inputLabel(name)} is not a postgres:// or postgresql:// URL (its value is not shown: it is a secret)`,
    );
    return undefined;
  }
  return url;
}
