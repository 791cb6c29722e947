// The doctor's wiring, shared by `freshet doctor` and the doctor action: its settings become the
// checks, each a probe of the real thing (the database, the source and its locations, the
// registry, GitHub's API) handed to the library's verdict (lib/doctor/).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { aliasesOutcome } from './lib/doctor/aliases-check.ts';
import { databaseOutcome } from './lib/doctor/database-check.ts';
import {
  cloudflareTokenOutcome,
  type DoctorCheck,
  type DoctorCheckName,
  type DoctorReport,
  runDoctor,
} from './lib/doctor/doctor.ts';
import type { DoctorSettings } from './lib/doctor/doctor-settings.ts';
import { locationsOutcome } from './lib/doctor/locations-check.ts';
import { pagesOutcome } from './lib/doctor/pages-check.ts';
import { describeError } from './lib/errors.ts';
import { openSource, openStorage } from './lib/openaq/source-url.ts';
import { githubClientFor, type RegistryShellContext, registryStore } from './registry-wiring.ts';

/** What the doctor's shells hand in: the logger, the state folder, GITHUB_TOKEN and CI in `env`. */
export interface DoctorShellContext extends RegistryShellContext {
  readonly now: () => number;
}

/**
 * The checks the settings select, in the doctor's order, each wired to its probe.
 *
 * @example await runDoctor(doctorChecks(settings, { logger, stateDir, env: process.env, now: Date.now }))
 */
export function doctorChecks(settings: DoctorSettings, context: DoctorShellContext): DoctorCheck[] {
  const s3 = {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    anonymous: settings.anonymous,
    onRetry: (message: string) => context.logger.warn(message),
  };
  const token = context.env.GITHUB_TOKEN;
  const probes: Record<DoctorCheckName, DoctorCheck['run']> = {
    database: () => databaseOutcome(settings.databaseUrl, settings.allowPendingMigrations),
    source: async () => {
      try {
        await openSource(settings.source, s3).check();
      } catch (error) {
        return {
          status: 'problem',
          message: `${describeError(error)}: set the variable FRESHET_SOURCE (or --source) to a listable s3://bucket/prefix/ or file:///path/`,
        };
      }
      return { status: 'ok', message: `${settings.source} is listable` };
    },
    locations: () =>
      locationsOutcome(settings.layout, settings.locations, {
        storage: openStorage(settings.source, s3),
        readText: (path) => readFile(path, 'utf8'),
        now: context.now,
        api: {
          fetch,
          sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
          ...(settings.openaqApiKey ? { apiKey: settings.openaqApiKey } : {}),
        },
      }),
    cloudflare: async () => cloudflareTokenOutcome(context.env),
    aliases: () =>
      aliasesOutcome(
        resolve(settings.aliases),
        registryStore(settings, { ...context, clientTuning: { waitUnitMs: 1 } }),
      ),
    pages: async () => {
      if (!token || settings.repository === undefined) {
        return {
          status: 'skipped',
          message: 'needs $GITHUB_TOKEN and the repository (--repository or $GITHUB_REPOSITORY)',
        };
      }
      return pagesOutcome(githubClientFor(settings, context, token), settings.repository);
    },
  };
  return settings.checks.map((check) => ({ check, run: probes[check] }));
}

/**
 * Runs the checks the settings select (see {@link doctorChecks}).
 *
 * @example const report = await doctorWith(settings, context); // report.ok, report.checks
 */
export function doctorWith(
  settings: DoctorSettings,
  context: DoctorShellContext,
): Promise<DoctorReport> {
  return runDoctor(doctorChecks(settings, context));
}
