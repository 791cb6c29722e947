// Issue 13: the doctor's report on the run page, a Markdown table, and its one-line problems.
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../actions/lib/doctor/doctor.ts';
import {
  doctorProblemLines,
  renderDoctorSummary,
} from '../../../actions/lib/github/doctor-summary.ts';
import { defined } from '../../support/defined.ts';

const report: DoctorReport = {
  ok: false,
  checks: [
    {
      check: 'database',
      status: 'problem',
      message: 'DATABASE_URL is not set: add the secret DATABASE_URL to the freshet environment',
    },
    {
      check: 'source',
      status: 'ok',
      message: 's3://openaq-data-archive/records/csv.gz/ is listable',
    },
    {
      check: 'locations',
      status: 'problem',
      message: 'location 99999999 has no object in s3://a|b/: check the id <here>',
    },
    { check: 'cloudflare', status: 'skipped', message: 'not in CI' },
  ],
};

describe('renderDoctorSummary', () => {
  it('renders a heading with the number of problems and one table row per check', () => {
    expect(renderDoctorSummary(report).split('\n')).toEqual([
      '## Configuration: 2 problems to fix',
      '',
      '| check | status | what was found, or what to fix |',
      '| :--- | :--- | :--- |',
      '| database | **problem** | DATABASE_URL is not set: add the secret DATABASE_URL to the freshet environment |',
      '| source | ok | s3://openaq-data-archive/records/csv.gz/ is listable |',
      // A message cannot break the table or open HTML.
      '| locations | **problem** | location 99999999 has no object in s3://a\\|b/: check the id &lt;here&gt; |',
      '| cloudflare | skipped | not in CI |',
      '',
      expect.stringContaining('`npx freshet doctor` checks the same settings'),
      '',
    ]);
  });

  it('says so when nothing is to fix', () => {
    const [database, source] = report.checks;
    const fine: DoctorReport = { ok: true, checks: [defined(source, 'the source check')] };
    expect(renderDoctorSummary(fine)).toMatch(/^## Configuration: no problems found\n/);
    const one: DoctorReport = { ok: false, checks: [defined(database, 'the database check')] };
    expect(renderDoctorSummary(one).split('\n')[0]).toBe('## Configuration: 1 problem to fix');
  });
});

describe('doctorProblemLines', () => {
  it('gives each problem as one line naming its check, and nothing else', () => {
    expect(doctorProblemLines(report)).toEqual([
      'database: DATABASE_URL is not set: add the secret DATABASE_URL to the freshet environment',
      'locations: location 99999999 has no object in s3://a|b/: check the id <here>',
    ]);
  });
});
