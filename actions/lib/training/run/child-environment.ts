// The environment a project's installs and command run with. Pure.
import { delimiter } from 'node:path';

/**
 * The PATH after the runner's own folders for code of another repository, which sees nothing of
 * the runner's environment.
 */
const SANDBOX_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

/** How to build a project's environment. */
export interface ChildEnvironmentOptions {
  /** The runner's environment (usually `process.env`). */
  readonly base: NodeJS.ProcessEnv;
  /**
   * A project of this repository sees all of `base`; another repository's none of it (not even
   * PATH or a proxy: anything of the runner's could hold a credential): only a PATH of the
   * system's folders, `LANG=C.UTF-8`, `TMPDIR=/tmp`, the runner's `ORT_DISABLE_TELEMETRY` (its
   * owner's choice about ONNX Runtime's reports, no secret; see actions/onnx-telemetry.ts) and what
   * `set` gives (HOME, USER, FRESHET_*).
   */
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
 * childEnvironment({ base: process.env, trusted: false, set: { HOME: '/home/freshet-1a2b', FRESHET_TRAINING_FILE: '/home/freshet-1a2b/input/training.csv' } })
 * // { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', TMPDIR: '/tmp', HOME: …, FRESHET_TRAINING_FILE: … }
 */
export function childEnvironment(options: ChildEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.trusted) {
    for (const [name, value] of Object.entries(options.base)) {
      if (value !== undefined) env[name] = value;
    }
  } else {
    env.PATH = SANDBOX_PATH.join(delimiter);
    env.LANG = 'C.UTF-8';
    env.TMPDIR = '/tmp';
    const telemetry = options.base.ORT_DISABLE_TELEMETRY;
    if (telemetry !== undefined) env.ORT_DISABLE_TELEMETRY = telemetry;
  }
  const path = [...(options.pathFirst ?? []), ...(env.PATH ? [env.PATH] : [])];
  if (path.length > 0) env.PATH = path.join(delimiter);
  return { ...env, ...options.set };
}
