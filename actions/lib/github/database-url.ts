// The database address an action is given: checked without ever being quoted.
import { DATABASE_URL } from '../settings/common.ts';
import type { ActionInputs } from './action-inputs.ts';

/**
 * Reads the `database-url` input: required, and a `postgres://` or `postgresql://` URL (the setting
 * {@link DATABASE_URL} describes). Messages never quote it (it holds a password); mask it with
 * databaseUrlSecrets first all the same.
 *
 * @example const databaseUrl = readDatabaseUrl(inputs);
 */
export function readDatabaseUrl(inputs: ActionInputs): string | undefined {
  return inputs.read(DATABASE_URL);
}
