// A project's dependencies: what to install is decided from its files (planDependencies, pure),
// then done (installDependencies). Node projects of this repository's workspace are installed by
// its root `npm ci` already; a project with its own package-lock.json gets `npm ci`; a Python
// project's requirements.txt goes into a virtual environment when a package index answers, and the
// system's packages serve when none does (an offline laptop, a locked-down runner).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Logger } from '../../util/logger.ts';
import type { RunAs } from '../run/run-as.ts';
import { runTool } from './tool.ts';

/** Where pip looks unless told otherwise. */
const DEFAULT_PACKAGE_INDEX = 'https://pypi.org/simple/';

/** How long a package index may take to answer before the system's packages are used instead. */
const INDEX_PROBE_TIMEOUT_MS = 3_000;

/** What the planner needs to know about a project's folder. */
export interface ProjectFiles {
  readonly hasPackageJson: boolean;
  readonly hasPackageLock: boolean;
  readonly hasRequirements: boolean;
  /** The nearest package-lock.json above the project (its npm workspace), if any. */
  readonly workspaceLock?: string;
  /** Whether the project is another repository's (then nobody ran its workspace's `npm ci`). */
  readonly remote: boolean;
  /** Whether the command runs Python (it names python), even without requirements.txt. */
  readonly commandUsesPython: boolean;
}

/** One thing to do before the command runs. */
export type DependencyStep =
  /** `npm ci` in `dir`, whose `package-lock.json` it is. */
  | { readonly kind: 'npm-ci'; readonly dir: string; readonly lockfile: string }
  /** Installed already by this repository's root `npm ci`; the lockfile is recorded. */
  | { readonly kind: 'workspace'; readonly lockfile: string }
  /** `requirements.txt` into a virtual environment (or the system's packages, offline). */
  | { readonly kind: 'python-requirements'; readonly requirements: string }
  /** A Python command without requirements.txt: the system's Python, recorded. */
  | { readonly kind: 'python-system' };

/**
 * Decides how a project's dependencies are installed. Pure.
 *
 * @param folder the project's folder (paths in the steps are under it or above it)
 * @example
 * planDependencies('/p', { hasPackageJson: true, hasPackageLock: true, hasRequirements: false, remote: false, commandUsesPython: false })
 * // [{ kind: 'npm-ci', dir: '/p', lockfile: '/p/package-lock.json' }]
 */
export function planDependencies(folder: string, files: ProjectFiles): DependencyStep[] {
  const steps: DependencyStep[] = [];
  if (files.hasPackageLock) {
    steps.push({ kind: 'npm-ci', dir: folder, lockfile: join(folder, 'package-lock.json') });
  } else if (files.hasPackageJson && files.workspaceLock !== undefined) {
    // Another repository's workspace was fetched but never installed: install it whole.
    steps.push(
      files.remote
        ? { kind: 'npm-ci', dir: dirname(files.workspaceLock), lockfile: files.workspaceLock }
        : { kind: 'workspace', lockfile: files.workspaceLock },
    );
  }
  if (files.hasRequirements) {
    steps.push({ kind: 'python-requirements', requirements: join(folder, 'requirements.txt') });
  } else if (files.commandUsesPython) {
    steps.push({ kind: 'python-system' });
  }
  return steps;
}

/** Whether a command runs Python (`python`, `python3`, `python3.12` as a word). */
export function usesPython(command: string): boolean {
  return /(^|[\s/;&|(])python[0-9.]*(\s|$)/.test(command);
}

/**
 * Looks at a project's folder for {@link planDependencies}. The workspace's lockfile is searched
 * for from the folder's parent up to `root` (the checkout of another repository, or `/`).
 */
export async function inspectProjectFiles(
  folder: string,
  options: { root?: string; remote: boolean; command: string },
): Promise<ProjectFiles> {
  const root = resolve(options.root ?? '/');
  let workspaceLock: string | undefined;
  for (let dir = dirname(resolve(folder)); ; dir = dirname(dir)) {
    if (relative(root, dir).startsWith('..')) break;
    const candidate = join(dir, 'package-lock.json');
    if (existsSync(candidate)) {
      workspaceLock = candidate;
      break;
    }
    if (dir === root || dirname(dir) === dir) break;
  }
  return {
    hasPackageJson: existsSync(join(folder, 'package.json')),
    hasPackageLock: existsSync(join(folder, 'package-lock.json')),
    hasRequirements: existsSync(join(folder, 'requirements.txt')),
    ...(workspaceLock !== undefined ? { workspaceLock } : {}),
    remote: options.remote,
    commandUsesPython: usesPython(options.command),
  };
}

/**
 * Whether a package index answers within `timeoutMs`: any HTTP response counts (pip will say
 * what is wrong with it); no answer means offline.
 */
async function packageIndexReachable(
  url: string,
  timeoutMs: number = INDEX_PROBE_TIMEOUT_MS,
): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status < 500;
  } catch {
    return false;
  }
}

/** How the command finds what was installed. */
export interface InstalledDependencies {
  /** Folders to put first on the command's PATH (a virtual environment's `bin`). */
  readonly pathFirst: readonly string[];
  /** Variables to set for the command (`VIRTUAL_ENV`). */
  readonly env: Readonly<Record<string, string>>;
  /** Where Python comes from, when the project uses it. */
  readonly python?: { readonly source: 'venv' | 'system'; readonly executable: string };
  /** The lockfile whose packages were installed, and how. */
  readonly node?: { readonly install: 'npm-ci' | 'workspace'; readonly lockfile: string };
}

/** Where and how to install. */
export interface InstallOptions {
  /** The environment installs run with (restricted for another repository's code). */
  readonly env: Record<string, string>;
  /** Virtual environments are kept under `<stateDir>/venvs/`, one per requirements and Python. */
  readonly stateDir: string;
  readonly packageIndex?: string;
  readonly logger: Logger;
  /** Install as this OS user (another repository's project: its install scripts are its code). */
  readonly runAs?: RunAs;
}

/** The OS user part of a tool's options. */
const asUser = (options: InstallOptions) => (options.runAs ? { runAs: options.runAs } : {});

const VENV_COMPLETE = '.freshet-complete';

/** Debian's system Python: where `apt-get install python3-…` puts packages. */
const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * The Python that projects run on and venvs are made from: Debian's `/usr/bin/python3` when there is
 * one (a `python3` earlier on the PATH, such as a pyenv build, does not see the packages apt
 * installed), else `python3` from the PATH.
 */
function systemPython(exists: (path: string) => boolean = existsSync): string {
  return exists(DEBIAN_PYTHON) ? DEBIAN_PYTHON : 'python3';
}

/**
 * A folder whose `python3` and `python` are {@link systemPython}, to put first on a project's PATH
 * (putting `/usr/bin` itself first would also change which `node` a project finds).
 */
async function systemPythonShim(options: InstallOptions): Promise<string[]> {
  const python = systemPython();
  if (python === 'python3') return [];
  const dir = resolve(options.stateDir, 'python-shim');
  await mkdir(dir, { recursive: true });
  for (const name of ['python3', 'python']) {
    await rm(join(dir, name), { force: true });
    await symlink(python, join(dir, name));
  }
  return [dir];
}

/**
 * Where the virtual environment of `requirements.txt` lives: one per requirements' text, Python
 * version and index, so that a change to any of them makes a new one.
 */
async function venvFolder(requirements: string, index: string, options: InstallOptions) {
  const { stdout } = await runTool(systemPython(), ['--version'], 'finding Python', {
    env: options.env,
    ...asUser(options),
  });
  const text = await readFile(requirements, 'utf8');
  const key = createHash('sha256')
    .update(`${stdout.trim()}\n${index}\n${text}`)
    .digest('hex')
    .slice(0, 16);
  return resolve(options.stateDir, 'venvs', key);
}

/**
 * Makes the virtual environment at `venv` and installs `requirements` into it; complete only once
 * its marker file is written. It sees the system's site-packages, so pip installs only what they
 * lack.
 */
async function makeVenv(
  venv: string,
  requirements: string,
  index: string,
  options: InstallOptions,
) {
  options.logger.info(`installing ${requirements} into a virtual environment at ${venv}`);
  await rm(venv, { recursive: true, force: true });
  await runTool(
    systemPython(),
    ['-m', 'venv', '--system-site-packages', venv],
    'making a virtual environment',
    { env: options.env, ...asUser(options) },
  );
  await runTool(
    join(venv, 'bin', 'python'),
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--no-input',
      '--disable-pip-version-check',
      '--index-url',
      index,
      '-r',
      requirements,
    ],
    `installing ${requirements}`,
    { env: { ...options.env, VIRTUAL_ENV: venv }, ...asUser(options) },
  );
  const marker = join(venv, VENV_COMPLETE);
  if (options.runAs === undefined) await writeFile(marker, `${new Date().toISOString()}\n`);
  else {
    // The venv is the run's user's (through sudo the runner may not write into it).
    await runTool(
      join(venv, 'bin', 'python'),
      ['-c', 'import sys; open(sys.argv[1], "w").write("complete\\n")', marker],
      'marking the virtual environment complete',
      { env: options.env, ...asUser(options) },
    );
  }
}

/**
 * The virtual environment for `requirements`: made earlier (reused, even offline), made now when
 * the index answers, or none (the system's packages serve).
 */
async function requirementsVenv(
  requirements: string,
  options: InstallOptions,
): Promise<string | undefined> {
  const index = options.packageIndex ?? DEFAULT_PACKAGE_INDEX;
  const venv = await venvFolder(requirements, index, options);
  if (existsSync(join(venv, VENV_COMPLETE))) {
    options.logger.info(`using the virtual environment ${venv}`);
    return venv;
  }
  if (!(await packageIndexReachable(index))) {
    options.logger.warn(
      `no package index answered at ${index}: ${requirements} is not installed, the system's Python packages serve`,
    );
    return undefined;
  }
  await makeVenv(venv, requirements, index, options);
  return venv;
}

/**
 * Carries out the steps of {@link planDependencies}.
 *
 * @throws FreshetError when an install fails (with the tool's last lines of output)
 */
export async function installDependencies(
  steps: readonly DependencyStep[],
  options: InstallOptions,
): Promise<InstalledDependencies> {
  let result: InstalledDependencies = { pathFirst: [], env: {} };
  for (const step of steps) {
    switch (step.kind) {
      case 'npm-ci':
        options.logger.info(`installing the packages of ${step.lockfile} (npm ci)`);
        await runTool(
          'npm',
          ['ci', '--no-audit', '--no-fund', '--loglevel=error'],
          `npm ci in ${step.dir}`,
          { cwd: step.dir, env: options.env, ...asUser(options) },
        );
        result = { ...result, node: { install: 'npm-ci', lockfile: step.lockfile } };
        break;
      case 'workspace':
        result = { ...result, node: { install: 'workspace', lockfile: step.lockfile } };
        break;
      case 'python-requirements': {
        const venv = await requirementsVenv(step.requirements, options);
        if (venv !== undefined) {
          result = {
            ...result,
            pathFirst: [join(venv, 'bin'), ...result.pathFirst],
            env: { ...result.env, VIRTUAL_ENV: venv },
            python: { source: 'venv', executable: join(venv, 'bin', 'python') },
          };
        } else {
          result = {
            ...result,
            pathFirst: [...(await systemPythonShim(options)), ...result.pathFirst],
            python: { source: 'system', executable: systemPython() },
          };
        }
        break;
      }
      case 'python-system':
        result = {
          ...result,
          pathFirst: [...(await systemPythonShim(options)), ...result.pathFirst],
          python: { source: 'system', executable: systemPython() },
        };
        break;
    }
  }
  return result;
}
