// `freshet doctor`: the parsed configuration → the checks it selects (doctor-wiring.ts, shared with
// the doctor action) → one line per check, exit 1 on any problem.
import { doctorWith } from '../doctor-wiring.ts';
import { formatDoctorReport } from '../lib/doctor/doctor.ts';
import type { Command } from './parse.ts';
import type { CliShell } from './run.ts';

type DoctorCommand = Extract<Command, { name: 'doctor' }>;

/**
 * Runs `freshet doctor`: prints one line per check (or the JSON report), and resolves to 1 when any
 * check found a problem.
 */
export async function doctorCommand(command: DoctorCommand, shell: CliShell): Promise<number> {
  const { name: _name, json, ...settings } = command;
  const report = await doctorWith(settings, {
    logger: shell.logger,
    stateDir: shell.stateDir,
    env: shell.env,
    now: shell.now,
  });
  shell.out(json ? JSON.stringify(report) : formatDoctorReport(report));
  return report.ok ? 0 : 1;
}
