// The settings of `freshet site build` and `freshet site serve`: the registry's static site.
import { UsageError } from '../errors.ts';
import { DATABASE_URL } from './common.ts';
import { parseHttpUrl, parseText, wholeNumber } from './parsers.ts';
import { GITHUB_API_URL, REPOSITORY, STORE } from './registry.ts';
import type { Setting } from './setting.ts';

/**
 * The path a site is served under: `/`, or `/<repo>/` (a GitHub Pages project site); a missing
 * leading or trailing slash is added.
 *
 * @throws UsageError for other characters than letters, digits and `. _ ~ -` between slashes
 * @example parseBasePath('freshet', '--base') === '/freshet/'
 */
export function parseBasePath(text: string, label: string): string {
  const trimmed = text.trim();
  const path = `/${trimmed.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(path)) {
    throw new UsageError(`${label} ${JSON.stringify(text)} must be a path such as / or /freshet/`);
  }
  return path;
}

/** `freshet site build`. */
export const SITE_BUILD = {
  store: {
    ...STORE,
    help: "the registry: local (.freshet/registry/ of the working directory) or github (the repository's model releases; the token is $GITHUB_TOKEN)",
  },
  out: {
    name: 'out',
    help: 'the folder the pages go to (replaced), each page DIR/<route>/index.html',
    placeholder: 'DIR',
    otherwise: '.freshet/site/',
    parse: parseText,
    cli: { flag: 'out' },
  },
  status: {
    name: 'status',
    help: 'the database status to show, as written by `freshet status --json > FILE`; without it the database is read when there is one',
    placeholder: 'FILE',
    parse: parseText,
    cli: { flag: 'status' },
  },
  edgeUrl: {
    name: 'edge-url',
    help: "where the Worker serves the models, for the pages' curl examples",
    placeholder: 'URL',
    otherwise: 'http://127.0.0.1:8787 (wrangler dev)',
    parse: parseHttpUrl,
    cli: { flag: 'edge-url', env: 'FRESHET_EDGE_URL' },
  },
  base: {
    name: 'base',
    help: 'the path the site is served under (a GitHub Pages project site: /<repo>/)',
    placeholder: 'PATH',
    default: '/',
    parse: parseBasePath,
    cli: { flag: 'base' },
  },
  repository: {
    ...REPOSITORY,
    help: "the repository whose releases hold the models (read with --store github), for the pages' release links",
    otherwise: 'no release links',
  },
  githubApiUrl: GITHUB_API_URL,
  databaseUrl: {
    ...DATABASE_URL,
    otherwise: 'an embedded one in .freshet/ when it exists, else no status',
  },
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet site serve`. */
export const SITE_SERVE = {
  dir: {
    name: 'dir',
    help: 'the built site to serve',
    placeholder: 'DIR',
    otherwise: '.freshet/site/',
    parse: parseText,
    cli: { flag: 'dir' },
  },
  port: {
    name: 'port',
    help: 'the port on 127.0.0.1 (0: any free one)',
    placeholder: 'N',
    default: '4321',
    parse: wholeNumber({ min: 0, max: 65_535 }),
    cli: { flag: 'port' },
  },
  base: { ...SITE_BUILD.base, help: 'the path the site was built for (its --base)' },
} as const satisfies Record<string, Setting<unknown>>;
