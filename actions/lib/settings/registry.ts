// The registry's settings: `freshet publish` and the publish action, `freshet promote`,
// `freshet models list|show`.
import { UsageError } from '../errors.ts';
import { parseRepository, type RepositoryRef } from '../github/workflow-run.ts';
import { aliasProblem } from '../registry/names.ts';
import { DATABASE_URL, jsonSwitch } from './common.ts';
import { parseBoolean, parseHttpUrl, parseText } from './parsers.ts';
import type { Setting } from './setting.ts';

/** Where versions live: the local folder store or GitHub Releases. */
export type StoreKind = 'local' | 'github';

/**
 * A store's name.
 *
 * @throws UsageError for any other
 * @example parseStoreKind('github', '--store') === 'github'
 */
export function parseStoreKind(text: string, label: string): StoreKind {
  if (text === 'local' || text === 'github') return text;
  throw new UsageError(`${label} ${JSON.stringify(text)} is not a store: use local or github`);
}

/**
 * An `owner/repo`.
 *
 * @throws UsageError for anything else
 * @example parseRepositoryText('octo/freshet', '--repository') // { owner: 'octo', repo: 'freshet' }
 */
export function parseRepositoryText(text: string, label: string): RepositoryRef {
  const repository = parseRepository(text);
  if (repository === undefined) {
    throw new UsageError(`${label} ${JSON.stringify(text)} is not owner/repo, e.g. octo/freshet`);
  }
  return repository;
}

/**
 * An alias (`production`, `staging`).
 *
 * @throws UsageError saying what an alias may be
 */
export function parseAliasName(text: string, label: string): string {
  const problem = aliasProblem(text);
  if (problem) throw new UsageError(`${label}: ${problem}`);
  return text;
}

/**
 * A training run's id, or a prefix of at least 4 of its hex digits.
 *
 * @throws UsageError for anything else (an empty input too)
 * @example parseRunId('3f2a9c1e', '--run') === '3f2a9c1e'
 */
export function parseRunId(text: string, label: string): string {
  const id = text.trim().toLowerCase();
  if (!/^[0-9a-f]{4,32}$/.test(id)) {
    throw new UsageError(
      `${label} ${JSON.stringify(text)} is not a run id: give its 32 hex digits or a prefix of at least 4 (freshet runs lists them)`,
    );
  }
  return id;
}

/** The GitHub API's address; GitHub Enterprise Server's runners set GITHUB_API_URL. */
export function parseApiUrl(text: string, label: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `${label} ${JSON.stringify(text)} is not a URL, e.g. https://api.github.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${label} ${JSON.stringify(text)} must be an http(s) URL`);
  }
  return text.replace(/\/+$/, '');
}

/** `--store`: every command that reads or writes the registry (the site too). */
export const STORE: Setting<StoreKind> = {
  name: 'store',
  help: "where versions live: local (.freshet/registry/) or github (the repository's releases)",
  placeholder: 'STORE',
  default: 'local',
  parse: parseStoreKind,
  cli: { flag: 'store' },
};

/** `--repository OWNER/REPO` ($GITHUB_REPOSITORY). */
export const REPOSITORY: Setting<RepositoryRef> = {
  name: 'repository',
  help: 'the repository whose releases hold the models (with --store github; the token is $GITHUB_TOKEN)',
  placeholder: 'OWNER/REPO',
  parse: parseRepositoryText,
  cli: { flag: 'repository', env: 'GITHUB_REPOSITORY' },
};

/** `--github-api-url` ($GITHUB_API_URL). */
export const GITHUB_API_URL: Setting<string> = {
  name: 'github-api-url',
  help: "GitHub's REST API",
  placeholder: 'URL',
  default: 'https://api.github.com',
  parse: parseApiUrl,
  cli: { flag: 'github-api-url', env: 'GITHUB_API_URL' },
};

/** Where the registry site is (`freshet site build`, deployed by site.yml), for links to it. */
const SITE_URL = {
  name: 'site-url',
  help: "the registry site's address with its base path (e.g. https://octo.github.io/freshet): the promotion pull request links to its page comparing the two versions",
  placeholder: 'URL',
  otherwise: 'no link to the site',
  parse: parseHttpUrl,
} as const satisfies Setting<string>;

/** `freshet models list`. */
export const MODELS_LIST = {
  store: STORE,
  repository: REPOSITORY,
  githubApiUrl: GITHUB_API_URL,
  json: jsonSwitch('print {"models": [{"name","versions","aliases"}]} as the last line'),
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet models show URI`. */
export const MODELS_SHOW = {
  store: STORE,
  repository: REPOSITORY,
  githubApiUrl: GITHUB_API_URL,
  json: jsonSwitch("print the version's manifest (with name and version) as the last line"),
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet models validate [FILE]`: the aliases check. */
export const MODELS_VALIDATE = {
  store: STORE,
  repository: REPOSITORY,
  githubApiUrl: GITHUB_API_URL,
  json: jsonSwitch('print {"file","versions","problems"} as the last line'),
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet models bundle --out DIR [--before FILE]`: what promote.yml deploys. */
export const MODELS_BUNDLE = {
  out: {
    name: 'out',
    help: 'the folder to write <name>/<N>/ and aliases.json into',
    placeholder: 'DIR',
    parse: parseText,
    cli: { flag: 'out', required: true },
  },
  before: {
    name: 'before',
    help: 'the aliases file before the change, for the summary of what changed',
    placeholder: 'FILE',
    parse: parseText,
    cli: { flag: 'before' },
  },
  store: STORE,
  repository: REPOSITORY,
  githubApiUrl: GITHUB_API_URL,
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet publish` and the publish action. */
export const PUBLISH = {
  run: {
    name: 'run',
    help: 'the training run to publish: its id (or a prefix of at least 4 hex digits)',
    placeholder: 'RUN_ID',
    parse: parseRunId,
    cli: { flag: 'run', required: true },
    action: {
      input: 'run-id',
      description: "The training run to publish: the train action's output run-id.",
      required: true,
    },
  },
  store: {
    ...STORE,
    action: {
      input: 'store',
      description:
        "Where versions live: github (the repository's releases) or local (state-dir/registry/).",
      default: 'github',
    },
  },
  repository: REPOSITORY,
  githubApiUrl: GITHUB_API_URL,
  alias: {
    name: 'alias',
    help: 'the alias the promotion pull request moves to the new version',
    placeholder: 'ALIAS',
    default: 'staging',
    parse: parseAliasName,
    action: {
      input: 'alias',
      description:
        'The alias the promotion pull request moves to the new version: staging, or production.',
    },
  },
  pullRequest: {
    name: 'pull-request',
    help: 'open (or update) the promotion pull request on branch promote/<name>',
    default: 'true',
    parse: parseBoolean,
    action: {
      input: 'pull-request',
      description:
        'Open (or update) the promotion pull request on branch promote/<name>, after validating the new aliases.',
    },
  },
  token: {
    name: 'token',
    help: 'a token allowed to write contents (releases)',
    placeholder: 'TOKEN',
    parse: parseText,
    action: {
      input: 'token',
      description:
        "A token allowed to create releases: the job's own token, given `contents: write`.",
      default: `\${{ github.token }}`,
      whenEmpty: `pass token: \${{ github.token }} (the default)`,
    },
  },
  prToken: {
    name: 'pr-token',
    help: 'a token that opens the pull request instead, so that checks run on it',
    placeholder: 'TOKEN',
    parse: parseText,
    action: {
      input: 'pr-token',
      description:
        'A fine-grained token with contents and pull-requests write (secrets.FRESHET_PR_TOKEN): when ' +
        'given, it opens the pull request, so that the aliases check runs on it (pull requests opened ' +
        "with the job's own token start no workflow).",
    },
  },
  stateDir: {
    name: 'state-dir',
    help: 'where the training runs keep their artifacts',
    placeholder: 'DIR',
    default: '.freshet',
    parse: parseText,
    action: {
      input: 'state-dir',
      description: "Where the train action kept the run's artifacts (its state-dir).",
    },
  },
  siteUrl: {
    ...SITE_URL,
    action: {
      input: 'site-url',
      description:
        "The registry site's address with its base path (vars.FRESHET_SITE_URL, e.g. " +
        'https://octo.github.io/freshet): when given, the promotion pull request links to its ' +
        'page comparing the candidate with the current version.',
    },
  },
  databaseUrl: DATABASE_URL,
  json: jsonSwitch('print {"name","version","uri"} as the last line'),
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet promote NAME VERSION --alias ALIAS [--pr]`. */
export const PROMOTE = {
  alias: {
    name: 'alias',
    help: 'the alias to move, e.g. production or staging',
    placeholder: 'ALIAS',
    parse: parseAliasName,
    cli: { flag: 'alias', required: true },
  },
  pr: {
    name: 'pr',
    help: 'open (or update) the pull request on promote/<name> instead (with --store github; the token is $FRESHET_PR_TOKEN, else $GITHUB_TOKEN)',
    default: 'false',
    parse: parseBoolean,
    cli: { flag: 'pr' },
  },
  siteUrl: { ...SITE_URL, cli: { flag: 'site-url', env: 'FRESHET_SITE_URL' } },
  store: STORE,
  repository: REPOSITORY,
  githubApiUrl: GITHUB_API_URL,
  json: jsonSwitch(
    'print {"name","alias","version","from"} (and "pull_request" with --pr) as the last line',
  ),
} as const satisfies Record<string, Setting<unknown>>;
