// Settings that several commands share: the database and the command line's --json.
import { UsageError } from '../errors.ts';
import { parseBoolean } from './parsers.ts';
import type { Setting } from './setting.ts';

/**
 * Checks a database address: a `postgres://` or `postgresql://` URL. The message never quotes it (it
 * holds a password).
 *
 * @throws UsageError for any other text
 * @example parseDatabaseUrl('postgres://u:p@db:5432/toar', '--database-url')
 */
export function parseDatabaseUrl(text: string, label: string): string {
  if (!/^postgres(?:ql)?:\/\/./i.test(text)) {
    throw new UsageError(
      `${label} is not a postgres:// or postgresql:// URL (its value is not shown: it is a secret)`,
    );
  }
  return text;
}

/** The TOAR database. The command line falls back to an embedded one; an action must be told. */
export const DATABASE_URL: Setting<string> = {
  name: 'database-url',
  help: 'the PostgreSQL database',
  placeholder: 'URL',
  otherwise: 'an embedded one whose data lives in .freshet/',
  parse: parseDatabaseUrl,
  cli: { flag: 'database-url', env: 'DATABASE_URL' },
  action: {
    input: 'database-url',
    description:
      'The PostgreSQL database (postgres://…), e.g. secrets.DATABASE_URL. Masked in logs.',
    required: true,
    whenEmpty: `set the repository secret DATABASE_URL and pass database-url: \${{ secrets.DATABASE_URL }}`,
  },
};

/** `--json`: the result as JSON on stdout's last line (what each command prints says). */
export function jsonSwitch(help: string): Setting<boolean> {
  return { name: 'json', help, default: 'false', parse: parseBoolean, cli: { flag: 'json' } };
}
