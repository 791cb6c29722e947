// The doctor action: inputs → DoctorSettings → the checks they select (doctor-wiring.ts, shared
// with `freshet doctor`) → one line per check in the log; when a check found a problem, the report
// as a table in the job summary and the step failed with the problems, one line each. It
// translates; the library decides.
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { doctorWith } from '../doctor-wiring.ts';
import { DOCTOR_CHECKS, formatDoctorReport } from '../lib/doctor/doctor.ts';
import type { DoctorSettings } from '../lib/doctor/doctor-settings.ts';
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { doctorProblemLines, renderDoctorSummary } from '../lib/github/doctor-summary.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import {
  DEFAULT_GITHUB_API_URL,
  parseRepository,
  type RunnerEnv,
} from '../lib/github/workflow-run.ts';
import { DOCTOR } from '../lib/settings/doctor.ts';
import { locationsOf } from '../lib/settings/ingest.ts';
import { inputDefaults } from '../lib/settings/setting.ts';
import { DEFAULT_STATE_DIR } from '../lib/state-dir.ts';

/** What an empty input means, by input name (action.yml says the same: a test checks it). */
export const DOCTOR_INPUT_DEFAULTS = inputDefaults(DOCTOR);

/** The action's outputs, in action.yml. */
export const DOCTOR_OUTPUTS = ['ok', 'json'] as const;

/**
 * Reads the doctor action's inputs (the repository and API from the runner's GITHUB_REPOSITORY and
 * GITHUB_API_URL), collecting every problem; the token goes apart, into the checks' environment.
 *
 * @throws UsageError listing every problem
 * @example parseDoctorInputs((name) => core.getInput(name), process.env)
 */
export function parseDoctorInputs(
  read: ReadInput,
  env: RunnerEnv,
): { settings: DoctorSettings; token: string } {
  const inputs = new ActionInputs(read);
  // Read in action.yml's order, so that the problems are listed in it.
  const checks = inputs.read(DOCTOR.checks) ?? [...DOCTOR_CHECKS];
  const databaseUrl = inputs.read(DOCTOR.databaseUrl);
  const allowPendingMigrations = inputs.read(DOCTOR.allowPendingMigrations);
  const source = inputs.read(DOCTOR.source);
  const region = inputs.read(DOCTOR.region);
  const endpoint = inputs.read(DOCTOR.endpoint);
  const anonymous = inputs.read(DOCTOR.anonymous);
  const layout = inputs.read(DOCTOR.layout);
  const locations = locationsOf(
    inputs.read(DOCTOR.locations),
    inputs.read(DOCTOR.bbox),
    inputs.read(DOCTOR.country),
    (message) => inputs.problem(message),
  );
  const openaqApiKey = inputs.read(DOCTOR.openaqApiKey);
  const aliases = inputs.read(DOCTOR.aliases);
  const store = inputs.read(DOCTOR.store);
  const token = inputs.read(DOCTOR.token);
  const repository = env.GITHUB_REPOSITORY ? parseRepository(env.GITHUB_REPOSITORY) : undefined;
  const values = inputs.finish({
    checks,
    allowPendingMigrations,
    source,
    region,
    anonymous,
    layout,
    aliases,
    store,
    token,
  });
  const { token: given, ...settings } = values;
  return {
    settings: {
      ...settings,
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(locations === undefined ? {} : { locations }),
      ...(openaqApiKey ? { openaqApiKey } : {}),
      ...(repository === undefined ? {} : { repository }),
      githubApiUrl: env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL,
    },
    token: given,
  };
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  try {
    for (const secret of databaseUrlSecrets(core.getInput('database-url'))) core.setSecret(secret);
    const apiKey = core.getInput('openaq-api-key');
    if (apiKey !== '') core.setSecret(apiKey);
    const { settings, token } = parseDoctorInputs((name) => core.getInput(name), process.env);
    const report = await doctorWith(settings, {
      logger: actionsLogger(core),
      stateDir: resolve(DEFAULT_STATE_DIR),
      env: { ...process.env, GITHUB_TOKEN: token },
      now: Date.now,
    });
    core.info(formatDoctorReport(report));
    core.setOutput('ok', String(report.ok));
    core.setOutput('json', JSON.stringify(report));
    if (report.ok) return;
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary.addRaw(renderDoctorSummary(report)).write();
    }
    core.setFailed(doctorProblemLines(report).join('\n'));
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}
