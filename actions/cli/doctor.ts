// `freshet doctor`: the parsed configuration → the checks, each a probe of the real thing (the
// database, the source, the registry, GitHub's API) → one line per check, exit 1 on any problem.
import { resolve } from 'node:path';
import { aliasesOutcome } from '../lib/doctor/aliases-check.ts';
import { databaseOutcome } from '../lib/doctor/database-check.ts';
import {
  cloudflareTokenOutcome,
  type DoctorCheck,
  formatDoctorReport,
  runDoctor,
} from '../lib/doctor/doctor.ts';
import { pagesOutcome } from '../lib/doctor/pages-check.ts';
import { describeError } from '../lib/errors.ts';
import { openSource } from '../lib/openaq/source-url.ts';
import { githubClientFor, registryStore } from '../registry-wiring.ts';
import type { Command } from './parse.ts';
import type { CliShell } from './run.ts';

type DoctorCommand = Extract<Command, { name: 'doctor' }>;

/** The checks of a configuration, in the order a new repository meets them. */
function doctorChecks(command: DoctorCommand, shell: CliShell): DoctorCheck[] {
  const context = {
    logger: shell.logger,
    stateDir: shell.stateDir,
    env: shell.env,
    now: shell.now,
  };
  const token = shell.env.GITHUB_TOKEN;
  return [
    { check: 'database', run: () => databaseOutcome(command.databaseUrl) },
    {
      check: 'source',
      run: async () => {
        const source = openSource(command.source, {
          ...(command.region ? { region: command.region } : {}),
          ...(command.endpoint ? { endpoint: command.endpoint } : {}),
          anonymous: command.anonymous,
        });
        try {
          await source.check();
        } catch (error) {
          return {
            status: 'problem',
            message: `${describeError(error)}: set the variable FRESHET_SOURCE (or --source) to a listable s3://bucket/prefix/ or file:///path/`,
          };
        }
        return { status: 'ok', message: `${command.source} is listable` };
      },
    },
    { check: 'cloudflare', run: async () => cloudflareTokenOutcome(shell.env) },
    {
      check: 'aliases',
      run: () =>
        aliasesOutcome(
          resolve(command.aliases),
          registryStore(command, { ...context, clientTuning: { waitUnitMs: 1 } }),
        ),
    },
    {
      check: 'pages',
      run: async () => {
        if (!token || command.repository === undefined) {
          return {
            status: 'skipped',
            message: 'needs $GITHUB_TOKEN and the repository (--repository or $GITHUB_REPOSITORY)',
          };
        }
        return pagesOutcome(githubClientFor(command, context, token), command.repository);
      },
    },
  ];
}

/**
 * Runs `freshet doctor`: prints one line per check (or the JSON report), and resolves to 1 when any
 * check found a problem.
 */
export async function doctorCommand(command: DoctorCommand, shell: CliShell): Promise<number> {
  const report = await runDoctor(doctorChecks(command, shell));
  shell.out(command.json ? JSON.stringify(report) : formatDoctorReport(report));
  return report.ok ? 0 : 1;
}
