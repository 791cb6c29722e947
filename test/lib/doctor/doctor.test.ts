// Issue 13: the doctor's verdict, apart from the probes it runs.
import { describe, expect, it } from 'vitest';
import {
  cloudflareTokenOutcome,
  formatDoctorReport,
  runDoctor,
} from '../../../actions/lib/doctor/doctor.ts';
import { UsageError } from '../../../actions/lib/errors.ts';

describe('runDoctor', () => {
  it('runs every check even after one throws, and the throw becomes a one-line problem', async () => {
    const report = await runDoctor([
      {
        check: 'source',
        run: async () => {
          throw new UsageError('--source: there is no folder /x\n(check the path)');
        },
      },
      { check: 'cloudflare', run: async () => ({ status: 'skipped', message: 'not in CI' }) },
    ]);
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([
      {
        check: 'source',
        status: 'problem',
        message: '--source: there is no folder /x; (check the path)',
      },
      { check: 'cloudflare', status: 'skipped', message: 'not in CI' },
    ]);
    expect(formatDoctorReport(report).split('\n')).toEqual([
      'problem  source: --source: there is no folder /x; (check the path)',
      'skipped  cloudflare: not in CI',
      '1 problem to fix',
    ]);
  });

  it('is ok when nothing is a problem (skipped checks included)', async () => {
    const report = await runDoctor([
      { check: 'pages', run: async () => ({ status: 'skipped', message: 'no token' }) },
    ]);
    expect(report.ok).toBe(true);
    expect(formatDoctorReport(report).split('\n').at(-1)).toBe('no problems found');
  });
});

describe('cloudflareTokenOutcome', () => {
  it('checks the secrets in CI only', () => {
    expect(cloudflareTokenOutcome({}).status).toBe('skipped');
    expect(cloudflareTokenOutcome({ CLOUDFLARE_ACCOUNT_ID: 'a' }).status).toBe('skipped');
  });

  it('wants both secrets or neither: without both, promote.yml deploys no Worker', () => {
    expect(cloudflareTokenOutcome({ CI: 'true' })).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('promote.yml deploys no Worker'),
    });
    expect(cloudflareTokenOutcome({ CI: 'true', CLOUDFLARE_ACCOUNT_ID: 'a' })).toMatchObject({
      status: 'problem',
      message: expect.stringContaining('add the secret CLOUDFLARE_API_TOKEN'),
    });
    expect(
      cloudflareTokenOutcome({ CI: 'true', CLOUDFLARE_API_TOKEN: ' ', CLOUDFLARE_ACCOUNT_ID: 'a' })
        .status,
    ).toBe('problem');
    expect(cloudflareTokenOutcome({ CI: '1', CLOUDFLARE_API_TOKEN: 't' })).toMatchObject({
      status: 'problem',
      message: expect.stringContaining('add the secret CLOUDFLARE_ACCOUNT_ID'),
    });
    expect(
      cloudflareTokenOutcome({ CI: 'true', CLOUDFLARE_API_TOKEN: 't', CLOUDFLARE_ACCOUNT_ID: 'a' })
        .status,
    ).toBe('ok');
  });
});
