// `freshet doctor`'s verdict: each check of a configuration runs as a small probe handed in by the
// shell (the database, the source, the registry, GitHub), and its outcome becomes one line saying
// what is fine or what to fix. Pure apart from awaiting the probes.
import { describeError } from '../errors.ts';

/**
 * The checks, in the order a new repository meets them: the database, the source, the archive's
 * locations, the Cloudflare secrets, the aliases file, GitHub Pages.
 */
export const DOCTOR_CHECKS = [
  'database',
  'source',
  'locations',
  'cloudflare',
  'aliases',
  'pages',
] as const;

/** One of {@link DOCTOR_CHECKS}. */
export type DoctorCheckName = (typeof DOCTOR_CHECKS)[number];

/** What a check found: fine, a problem to fix, or not applicable (and why). */
export type CheckStatus = 'ok' | 'problem' | 'skipped';

/** One check's outcome. */
export interface CheckOutcome {
  /** One of {@link DOCTOR_CHECKS}. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found (ok, skipped) or what to fix (problem): one line. */
  readonly message: string;
}

/** One check: resolves to its outcome; a throw is a problem with the error's description. */
export interface DoctorCheck {
  readonly check: string;
  readonly run: () => Promise<Omit<CheckOutcome, 'check'>>;
}

/** What the doctor found, check by check. */
export interface DoctorReport {
  /** No check found a problem. */
  readonly ok: boolean;
  readonly checks: readonly CheckOutcome[];
}

/**
 * Runs every check, one after the other (each is a few requests), and collects all outcomes: a
 * failing check never hides the others.
 *
 * @example
 * await runDoctor([{ check: 'ci', run: async () => ({ status: 'ok', message: 'fine' }) }])
 * // { ok: true, checks: [{ check: 'ci', status: 'ok', message: 'fine' }] }
 */
export async function runDoctor(checks: readonly DoctorCheck[]): Promise<DoctorReport> {
  const outcomes: CheckOutcome[] = [];
  for (const { check, run } of checks) {
    try {
      outcomes.push({ check, ...(await run()) });
    } catch (error) {
      outcomes.push({ check, status: 'problem', message: oneLine(describeError(error)) });
    }
  }
  return { ok: outcomes.every((o) => o.status !== 'problem'), checks: outcomes };
}

/** A message on one line, whatever the error said. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}

/**
 * The report as text, one line per check: `problem  pages: …` says what to fix.
 *
 * @example formatDoctorReport({ ok: true, checks: [{ check: 'source', status: 'ok', message: 'listable' }] })
 * // 'ok       source: listable\nno problems found'
 */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = report.checks.map((o) => `${o.status.padEnd(8)} ${o.check}: ${o.message}`);
  const problems = report.checks.filter((o) => o.status === 'problem').length;
  lines.push(
    problems === 0 ? 'no problems found' : `${problems} problem${problems === 1 ? '' : 's'} to fix`,
  );
  return lines.join('\n');
}

/**
 * The Cloudflare check: in CI (the runner sets CI=true) promote.yml deploys the Worker when both
 * CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are set, and skips the deploy when neither is (edge
 * serving is optional: README, "Edge serving"). Only one of the two is a mistake.
 *
 * @example cloudflareTokenOutcome({ CI: 'true', CLOUDFLARE_ACCOUNT_ID: 'abc' }).status === 'problem'
 */
export function cloudflareTokenOutcome(
  env: Readonly<Record<string, string | undefined>>,
): Omit<CheckOutcome, 'check'> {
  const inCi = env.CI === 'true' || env.CI === '1';
  if (!inCi) {
    return { status: 'skipped', message: 'not in CI (CI is not true): the deploy runs there' };
  }
  const token = Boolean(env.CLOUDFLARE_API_TOKEN?.trim());
  const account = Boolean(env.CLOUDFLARE_ACCOUNT_ID?.trim());
  if (token && account) {
    return { status: 'ok', message: 'CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are set' };
  }
  if (!token && !account) {
    return {
      status: 'skipped',
      message:
        'neither CLOUDFLARE_API_TOKEN nor CLOUDFLARE_ACCOUNT_ID is set, so promote.yml deploys no Worker: to deploy it, add both secrets to the freshet environment',
    };
  }
  if (!token) {
    return {
      status: 'problem',
      message:
        'CLOUDFLARE_API_TOKEN is not set (CLOUDFLARE_ACCOUNT_ID is): add the secret CLOUDFLARE_API_TOKEN (from the "Edit Cloudflare Workers" template) to the freshet environment and pass it to the job as env',
    };
  }
  return {
    status: 'problem',
    message:
      'CLOUDFLARE_ACCOUNT_ID is not set (CLOUDFLARE_API_TOKEN is): add the secret CLOUDFLARE_ACCOUNT_ID (the account the Worker is deployed to) to the freshet environment and pass it to the job as env',
  };
}
