// What the doctor action shows on the run page when a check found something missing. Pure: the
// action hands the text to @actions/core.
import type { DoctorReport } from '../doctor/doctor.ts';
import { markdownTable } from './markdown.ts';

/** The report's problems, one line each (`locations: …`), for the step's failure message. */
export function doctorProblemLines(report: DoctorReport): string[] {
  return report.checks
    .filter((outcome) => outcome.status === 'problem')
    .map((outcome) => `${outcome.check}: ${outcome.message}`);
}

/**
 * Renders the doctor's report as a job summary: a heading saying how many problems there are, and
 * one table row per check (its status, and what was found or what to fix).
 *
 * @example
 * renderDoctorSummary({ ok: false, checks: [{ check: 'database', status: 'problem', message: 'DATABASE_URL is not set: …' }] });
 * // ## Configuration: 1 problem to fix
 * //
 * // | check | status | what was found, or what to fix |
 * // | :--- | :--- | :--- |
 * // | database | **problem** | DATABASE_URL is not set: … |
 */
export function renderDoctorSummary(report: DoctorReport): string {
  const problems = doctorProblemLines(report).length;
  const heading =
    problems === 0
      ? '## Configuration: no problems found'
      : `## Configuration: ${problems} problem${problems === 1 ? '' : 's'} to fix`;
  const table = markdownTable(
    [{ header: 'check' }, { header: 'status' }, { header: 'what was found, or what to fix' }],
    report.checks.map((o) => [
      o.check,
      o.status === 'problem' ? '**problem**' : o.status,
      o.message,
    ]),
  );
  const after =
    'Fix each problem in the repository\'s settings (README, "Your own copy"), then run the workflow ' +
    'again; `npx freshet doctor` checks the same settings from a terminal.';
  return `${[heading, table, after].join('\n\n')}\n`;
}
