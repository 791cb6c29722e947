// Settings that several commands share: the database and the command line's --json.
import { UsageError } from '../errors.ts';
import { redactUrl, urlParts } from '../util/redact-url.ts';
import { parseBoolean } from './parsers.ts';
import type { Setting } from './setting.ts';

const DATABASE_URL_EXAMPLE = 'postgres://user:password@host:5432/database';

/**
 * Checks a database address: a `postgres://` or `postgresql://` URL (WHATWG URL syntax) naming a
 * host (or a `host` query parameter, for a Unix socket), with a port from 1 to 65535 if any. A
 * message shows the URL with its password replaced by `***`, and unparseable text not at all.
 *
 * @throws UsageError naming the setting and what to change
 * @example parseDatabaseUrl('postgres://u:p@db:5432/toar', '--database-url') === 'postgres://u:p@db:5432/toar'
 * @example parseDatabaseUrl('postgres://u:p@db:99999/toar', '--database-url')
 * // throws: --database-url postgres://u:***@db:99999/toar: the port 99999 is not a number from 1 to 65535
 */
export function parseDatabaseUrl(text: string, label: string): string {
  const trimmed = text.trim();
  const shown = redactUrl(trimmed);
  const parts = urlParts(trimmed);
  if (shown === undefined || parts === undefined) {
    throw new UsageError(
      `${label} is not a URL (its text is not shown: it may hold a password): use a PostgreSQL URL, e.g. ${DATABASE_URL_EXAMPLE}`,
    );
  }
  const fail = (problem: string): never => {
    throw new UsageError(
      `${label} ${shown ?? '(not shown)'}: ${problem}, e.g. ${DATABASE_URL_EXAMPLE}`,
    );
  };
  const { scheme, hostPort } = parts;
  if (!/^postgres(?:ql)?$/i.test(scheme)) {
    return fail(`the scheme ${scheme}:// is not PostgreSQL's: use postgres:// or postgresql://`);
  }
  const port = /:([^:\]]*)$/.exec(hostPort)?.[1];
  if (
    port !== undefined &&
    port !== '' &&
    !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)
  ) {
    return fail(
      `the port ${JSON.stringify(port)} is not a number from 1 to 65535: write host:port`,
    );
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return fail(
      'is not a valid URL: check its characters (a password with @ / : # ? is written %40 %2F %3A %23 %3F)',
    );
  }
  if (url.hostname === '' && !url.searchParams.get('host')) {
    return fail('names no host: write the server after //, after user:password@ if any');
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
