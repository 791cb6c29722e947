// `freshet doctor` and the doctor action: the settings of a deployment it checks, and which checks
// to run (a workflow runs those its jobs need). The database has no embedded fallback here: a
// configuration without DATABASE_URL is a problem the doctor reports.
import { DOCTOR_CHECKS, type DoctorCheckName } from '../doctor/doctor.ts';
import { UsageError } from '../errors.ts';
import { jsonSwitch, parseDatabaseUrl } from './common.ts';
import { INGEST } from './ingest.ts';
import { parseBoolean, parseText } from './parsers.ts';
import { GITHUB_API_URL, REPOSITORY, STORE } from './registry.ts';
import type { Setting } from './setting.ts';

/**
 * Reads a list of checks (commas or spaces between them), in the doctor's own order.
 *
 * @throws UsageError naming every name that is not a check
 * @example parseChecks('source, database', '--checks') // ['database', 'source']
 */
export function parseChecks(text: string, label: string): DoctorCheckName[] {
  const items = text.split(/[\s,]+/).filter((item) => item !== '');
  const unknown = items.filter((item) => !DOCTOR_CHECKS.some((check) => check === item));
  if (items.length === 0 || unknown.length > 0) {
    const what =
      unknown.length === 0
        ? 'names no check'
        : `${unknown.map((u) => JSON.stringify(u)).join(', ')} ${unknown.length === 1 ? 'is not a check' : 'are not checks'}`;
    throw new UsageError(
      `${label} ${JSON.stringify(text)} ${what}: give some of ${DOCTOR_CHECKS.join(', ')}, separated by commas`,
    );
  }
  return DOCTOR_CHECKS.filter((check) => items.includes(check));
}

/** `freshet doctor` and the doctor action, in action.yml's order. */
export const DOCTOR = {
  checks: {
    name: 'checks',
    help: `the checks to run, separated by commas: ${DOCTOR_CHECKS.join(', ')}`,
    placeholder: 'LIST',
    otherwise: 'all of them',
    parse: parseChecks,
    cli: { flag: 'checks' },
    action: {
      input: 'checks',
      description:
        `The checks to run, separated by commas: ${DOCTOR_CHECKS.join(', ')}. Empty: all of ` +
        'them. A workflow names those its jobs need (the ingest plan job: database,source,locations).',
    },
  },
  databaseUrl: {
    name: 'database-url',
    help: 'the PostgreSQL database to check: reachable and migrated',
    placeholder: 'URL',
    otherwise: 'none, reported as a problem (a deployment needs the secret)',
    parse: parseDatabaseUrl,
    cli: { flag: 'database-url', env: 'DATABASE_URL' },
    action: {
      input: 'database-url',
      description:
        'The PostgreSQL database to check (secrets.DATABASE_URL): reachable and migrated. Empty: ' +
        'the database check reports the missing secret. Masked in logs.',
    },
  },
  allowPendingMigrations: {
    name: 'allow-pending-migrations',
    help: 'pending migrations are no problem: the command run next applies them (every freshet command and action does)',
    default: 'false',
    parse: parseBoolean,
    cli: { flag: 'allow-pending-migrations' },
    action: {
      input: 'allow-pending-migrations',
      description:
        "Pending migrations are no problem: the job's next freshet step applies them (every " +
        'action and command does). false to report them.',
      // The action runs first in a job whose own step migrates the database.
      default: 'true',
    },
  },
  source: {
    ...INGEST.source,
    help: 'the source to check: listable',
    action: {
      input: 'source',
      description:
        "The source to check, listable: s3://bucket/prefix/ or file:///path/. Defaults to OpenAQ's public archive.",
    },
  },
  region: INGEST.region,
  endpoint: INGEST.endpoint,
  anonymous: INGEST.anonymous,
  layout: {
    ...INGEST.layout,
    help: "the source's layout, for the locations check: auto (from its folders), realtime or archive",
    action: {
      input: 'layout',
      description:
        "The source's layout, for the locations check: auto (told from its folders), realtime " +
        '(skips the check) or archive.',
    },
  },
  locations: {
    ...INGEST.locations,
    help: 'the archive locations to check, each with objects in the source: ids (2178,8118), @file (one id per line) or all',
    action: {
      input: 'locations',
      description:
        'The archive locations to check (vars.FRESHET_LOCATIONS), each with objects in the ' +
        'source: OpenAQ location ids (2178,8118), @file (a file of the repository) or all.',
    },
  },
  bbox: INGEST.bbox,
  country: INGEST.country,
  openaqApiKey: INGEST.openaqApiKey,
  aliases: {
    name: 'aliases',
    help: 'the aliases file to check: each version it names exists in the store and verifies',
    placeholder: 'FILE',
    default: 'models/aliases.json',
    parse: parseText,
    cli: { flag: 'aliases' },
    action: {
      input: 'aliases',
      description:
        'The aliases file to check, relative to the checkout: each version it names exists in the store and verifies.',
    },
  },
  store: {
    ...STORE,
    action: {
      input: 'store',
      description:
        "Where the aliases' versions live: github (the repository's releases) or local (.freshet/registry/).",
      default: 'github',
    },
  },
  repository: {
    ...REPOSITORY,
    help: 'the repository whose GitHub Pages must be enabled (checked when $GITHUB_TOKEN is set), and whose releases hold the models with --store github',
  },
  githubApiUrl: GITHUB_API_URL,
  token: {
    name: 'token',
    help: "a token that may read the repository's Pages settings and releases",
    placeholder: 'TOKEN',
    parse: parseText,
    action: {
      input: 'token',
      description:
        "A token that may read the repository's releases (contents: read) and, for the pages " +
        "check, its Pages settings (pages: read): the job's own token.",
      default: `\${{ github.token }}`,
      whenEmpty: `pass token: \${{ github.token }} (the default)`,
    },
  },
  json: jsonSwitch('print {"ok","checks":[{"check","status","message"}]} as the last line'),
} as const satisfies Record<string, Setting<unknown>>;
