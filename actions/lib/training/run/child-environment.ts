// The environment a project's installs and command run with. Pure.
import { delimiter } from 'node:path';

/**
 * What code from another repository may see of the runner's environment: enough to find programs,
 * a home, a temporary folder, a locale and a proxy, and nothing that could hold a credential (the
 * runner's own DATABASE_URL, PG* settings, cloud keys, tokens).
 */
const UNTRUSTED_PASSTHROUGH: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'CI',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'npm_config_registry',
];

/** How to build a project's environment. */
export interface ChildEnvironmentOptions {
  /** The runner's environment (usually `process.env`). */
  readonly base: NodeJS.ProcessEnv;
  /** A project of this repository sees all of `base`; another repository's only the passthrough. */
  readonly trusted: boolean;
  /** Folders put first on PATH, in order (the runner's Node, a virtual environment's bin). */
  readonly pathFirst?: readonly string[];
  /** Set last, over anything of `base` (DATABASE_URL, FRESHET_*). */
  readonly set?: Readonly<Record<string, string>>;
}

/**
 * The environment of a project's process.
 *
 * @example
 * childEnvironment({ base: process.env, trusted: false, set: { DATABASE_URL: readOnlyUrl } })
 */
export function childEnvironment(options: ChildEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.base)) {
    if (value === undefined) continue;
    if (options.trusted || UNTRUSTED_PASSTHROUGH.includes(name)) env[name] = value;
  }
  const path = [...(options.pathFirst ?? []), ...(env.PATH ? [env.PATH] : [])];
  if (path.length > 0) env.PATH = path.join(delimiter);
  return { ...env, ...options.set };
}
