// Names of the tables the runner creates: validated, then quoted, never interpolated raw.
import { UsageError } from '../../errors.ts';

// Lower-case words only: no quoting surprises for projects that paste the name into their SQL.
const PART = '[a-z_][a-z0-9_]{0,62}';
const TABLE_NAME = new RegExp(`^(?:${PART}\\.)?${PART}$`);

/**
 * Quotes a table name (`name` or `schema.name`, lower-case letters, digits and `_`, at most 63
 * characters each) for SQL.
 *
 * @throws UsageError for any other name
 * @example quoteTableName('public.freshet_training_42') === '"public"."freshet_training_42"'
 */
export function quoteTableName(name: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new UsageError(
      `table name ${JSON.stringify(name)} is not usable: use lower-case letters, digits and _ (optionally schema.table), at most 63 characters each`,
    );
  }
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/**
 * The training and feature table names of one run, in schema `public` so that a read-only role
 * granted on them can reach them. `runKey` (a run id, an attempt) is reduced to `[a-z0-9_]`.
 *
 * @example trainingTableNames('1234-2') // { training: 'public.freshet_training_1234_2', features: 'public.freshet_features_1234_2' }
 */
export function trainingTableNames(runKey: string): { training: string; features: string } {
  const key = runKey
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40);
  if (key === '' || key === '_')
    throw new UsageError(`run key ${JSON.stringify(runKey)} names no table`);
  return { training: `public.freshet_training_${key}`, features: `public.freshet_features_${key}` };
}
