// What a run ran with, recorded beside it: the Node version (first on the command's PATH), the
// lockfile of its Node packages, and for Python the interpreter's version and every installed
// package's version (importlib.metadata, which needs no pip: the system's Python may lack it).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Logger } from '../../util/logger.ts';
import type { InstalledDependencies } from '../project/dependencies.ts';
import { runTool } from '../project/tool.ts';
import type { RunAs } from './run-as.ts';

/** The environment of a run, as `ops.training_runs.environment` holds it. */
export interface RunEnvironment {
  /** `process.version` of the runner, whose folder comes first on the command's PATH. */
  readonly node: string;
  /** `linux-x64` and the like. */
  readonly platform: string;
  /** The lockfile of the Node packages, relative to the project's folder. */
  readonly lockfile?: {
    readonly path: string;
    readonly sha256: string;
    readonly install: 'npm-ci' | 'workspace';
  };
  readonly python?: {
    /** `3.11.7` */
    readonly version: string;
    readonly source: 'venv' | 'system';
    /** sha256 of requirements.txt, when the project has one. */
    readonly requirementsSha256?: string;
    /** Every distribution the interpreter can import, name → version, sorted by name. */
    readonly packages: Readonly<Record<string, string>>;
  };
}

/** Hex sha256 of a file's bytes. */
async function fileSha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

const PYTHON_REPORT = `
import json, platform, importlib.metadata as m
packages = {}
for d in m.distributions():
    name = d.metadata['Name']
    if name and name not in packages:
        packages[name] = d.version
print(json.dumps({'version': platform.python_version(), 'packages': dict(sorted(packages.items(), key=lambda kv: kv[0].lower()))}))
`;

/**
 * Describes the environment of a run. Never fails the run: what cannot be found out is left out,
 * with a warning.
 *
 * @param folder the project's folder (the lockfile's path is recorded relative to it)
 * @param env the command's environment (so that `python3` is the one the command will run)
 */
export async function describeEnvironment(
  folder: string,
  installed: InstalledDependencies,
  options: { env: Record<string, string>; requirements?: string; logger: Logger; runAs?: RunAs },
): Promise<RunEnvironment> {
  let lockfile: RunEnvironment['lockfile'];
  if (installed.node) {
    try {
      lockfile = {
        path: relative(folder, installed.node.lockfile),
        sha256: await fileSha256(installed.node.lockfile),
        install: installed.node.install,
      };
    } catch (error) {
      options.logger.warn(`cannot read ${installed.node.lockfile}: ${(error as Error).message}`);
    }
  }
  let python: RunEnvironment['python'];
  if (installed.python) {
    try {
      const { stdout } = await runTool(
        installed.python.executable,
        ['-c', PYTHON_REPORT],
        'listing the Python packages',
        {
          env: options.env,
          cwd: folder,
          timeoutMs: 60_000,
          ...(options.runAs ? { runAs: options.runAs } : {}),
        },
      );
      const report = JSON.parse(stdout) as { version: string; packages: Record<string, string> };
      const requirementsSha256 =
        options.requirements !== undefined ? await fileSha256(options.requirements) : undefined;
      python = {
        version: report.version,
        source: installed.python.source,
        ...(requirementsSha256 !== undefined ? { requirementsSha256 } : {}),
        packages: report.packages,
      };
    } catch (error) {
      options.logger.warn(`cannot describe the Python environment: ${(error as Error).message}`);
    }
  }
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ...(lockfile !== undefined ? { lockfile } : {}),
    ...(python !== undefined ? { python } : {}),
  };
}
