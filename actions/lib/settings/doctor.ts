// `freshet doctor`: the settings of a deployment it checks. The database has no embedded fallback
// here: a configuration without DATABASE_URL is a problem the doctor reports.
import { jsonSwitch, parseDatabaseUrl } from './common.ts';
import { INGEST } from './ingest.ts';
import { parseText } from './parsers.ts';
import { GITHUB_API_URL, REPOSITORY, STORE } from './registry.ts';
import type { Setting } from './setting.ts';

/** The command line's part of a setting an action takes too (no action takes the doctor's). */
function flagOnly<T>(setting: Setting<T>): Setting<T> {
  const { action: _action, ...rest } = setting;
  return rest;
}

/** `freshet doctor`. */
export const DOCTOR = {
  databaseUrl: {
    name: 'database-url',
    help: 'the PostgreSQL database to check: reachable and migrated',
    placeholder: 'URL',
    otherwise: 'none, reported as a problem (a deployment needs the secret)',
    parse: parseDatabaseUrl,
    cli: { flag: 'database-url', env: 'DATABASE_URL' },
  },
  source: { ...flagOnly(INGEST.source), help: 'the source to check: listable' },
  region: flagOnly(INGEST.region),
  endpoint: flagOnly(INGEST.endpoint),
  anonymous: flagOnly(INGEST.anonymous),
  aliases: {
    name: 'aliases',
    help: 'the aliases file to check: each version it names exists in the store and verifies',
    placeholder: 'FILE',
    default: 'models/aliases.json',
    parse: parseText,
    cli: { flag: 'aliases' },
  },
  store: STORE,
  repository: {
    ...REPOSITORY,
    help: 'the repository whose GitHub Pages must be enabled (checked when $GITHUB_TOKEN is set), and whose releases hold the models with --store github',
  },
  githubApiUrl: GITHUB_API_URL,
  json: jsonSwitch('print {"ok","checks":[{"check","status","message"}]} as the last line'),
} as const satisfies Record<string, Setting<unknown>>;
