// Issue 13: the doctor action, as a workflow's first step runs it — its inputs, its log, and on a
// problem the job summary's table and the step's failure, one line per problem — against real
// PostgreSQL and a folder source.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_INPUT_DEFAULTS, parseDoctorInputs, run } from '../../actions/doctor/main.ts';
import { createTestDatabase, useMigratedDatabase } from '../support/database.ts';
import { usageProblems } from '../support/usage-problems.ts';
import { ActionEnvironment } from './action-environment.ts';

const read = (values: Record<string, string>) => (name: string) =>
  values[name] ?? DOCTOR_INPUT_DEFAULTS[name] ?? '';

describe('parseDoctorInputs', () => {
  const env = { GITHUB_REPOSITORY: 'octo/freshet', GITHUB_API_URL: 'https://ghe.example/api/v3' };

  it("reads a workflow's step with action.yml's defaults: every check, pending migrations allowed", () => {
    expect(parseDoctorInputs(read({}), env)).toEqual({
      settings: {
        checks: ['database', 'source', 'locations', 'cloudflare', 'aliases', 'pages'],
        allowPendingMigrations: true,
        source: 's3://openaq-data-archive/records/csv.gz/',
        region: 'us-east-1',
        anonymous: true,
        layout: 'auto',
        aliases: 'models/aliases.json',
        store: 'github',
        repository: { owner: 'octo', repo: 'freshet' },
        githubApiUrl: 'https://ghe.example/api/v3',
      },
      token: `\${{ github.token }}`,
    });
  });

  it('reads the checks a job selects and the configuration it uses', () => {
    const { settings, token } = parseDoctorInputs(
      read({
        checks: 'locations, database',
        'database-url': 'postgres://u:p@db:5432/toar',
        layout: 'archive',
        locations: '2178,8118',
        token: 'ghs_x',
      }),
      {},
    );
    expect(settings).toMatchObject({
      checks: ['database', 'locations'],
      databaseUrl: 'postgres://u:p@db:5432/toar',
      layout: 'archive',
      locations: { kind: 'ids', ids: [2178, 8118] },
      githubApiUrl: 'https://api.github.com',
    });
    expect(settings.repository).toBeUndefined();
    expect(token).toBe('ghs_x');
  });

  it('reports every problem at once, each naming its input', () => {
    expect(
      usageProblems(() =>
        parseDoctorInputs(
          read({ checks: 'database,dns', layout: 'sideways', locations: 'x', token: '' }),
          {},
        ),
      ),
    ).toEqual([
      expect.stringContaining(`input 'checks' "database,dns" "dns" is not a check`),
      expect.stringContaining(`input 'layout' "sideways" is not one of auto, realtime, archive`),
      expect.stringContaining(`input 'locations' "x"`),
      `input 'token' is empty: pass token: \${{ github.token }} (the default)`,
    ]);
  });
});

describe('the doctor action', () => {
  const migrated = useMigratedDatabase('doctor_action');
  let bare: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: ActionEnvironment;
  let dir: string;

  beforeAll(async () => {
    env = await ActionEnvironment.create();
    bare = await createTestDatabase('doctor_action_bare');
    dir = await mkdtemp(join(tmpdir(), 'freshet-doctor-action-'));
    await mkdir(join(dir, 'fetches', '2018-06-07'), { recursive: true });
  });
  afterAll(async () => {
    await env?.dispose();
    await bare?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const fetches = () => pathToFileURL(join(dir, 'fetches')).href;

  it('logs one line per check and passes when nothing is missing, writing no summary', async () => {
    const result = await env.run(run, {
      ...DOCTOR_INPUT_DEFAULTS,
      checks: 'database,source,locations',
      'database-url': bare.url,
      source: fetches(),
    });
    expect(result.failed).toBe(false);
    expect(result.outputs.ok).toBe('true');
    expect(result.stdout).toMatch(/^ok {7}database: .* is reachable; \d+ migrations pending/m);
    expect(result.stdout).toMatch(/^ok {7}source: file:.* is listable$/m);
    expect(result.stdout).toMatch(/^skipped {2}locations: the layout is realtime/m);
    expect(result.summary).toBe('');
    expect(result.messages('add-mask')).toContain(bare.url);
  });

  it('writes the report as a table to the job summary and fails with the problems, one line each', async () => {
    const result = await env.run(
      run,
      {
        ...DOCTOR_INPUT_DEFAULTS,
        checks: 'database,source,locations,cloudflare',
        'database-url': '',
        source: fetches(),
        layout: 'archive',
        'allow-pending-migrations': 'false',
      },
      { CI: 'true', CLOUDFLARE_API_TOKEN: 'cf', CLOUDFLARE_ACCOUNT_ID: 'cf-account' },
    );
    expect(result.failed).toBe(true);
    expect(result.outputs.ok).toBe('false');
    expect(JSON.parse(result.outputs.json ?? '{}').checks).toHaveLength(4);
    const [failure] = result.messages('error');
    expect(failure?.split('\n')).toEqual([
      expect.stringMatching(/^database: DATABASE_URL is not set: add the secret DATABASE_URL/),
      expect.stringMatching(
        /^locations: the archive layout \(as configured\) needs locations and none is given: set the variable FRESHET_LOCATIONS/,
      ),
    ]);
    expect(result.summary).toContain('## Configuration: 2 problems to fix');
    expect(result.summary).toContain('| check | status | what was found, or what to fix |');
    expect(result.summary).toMatch(/\| database \| \*\*problem\*\* \| DATABASE_URL is not set/);
    expect(result.summary).toContain(
      '| cloudflare | ok | CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are set |',
    );
  });

  it('reports pending migrations when told to, and what to run', async () => {
    const result = await env.run(run, {
      ...DOCTOR_INPUT_DEFAULTS,
      checks: 'database',
      'database-url': bare.url,
      'allow-pending-migrations': 'false',
    });
    expect(result.failed).toBe(true);
    expect(result.messages('error')[0]).toMatch(
      /^database: .* is not migrated .*freshet db migrate/,
    );
    const fine = await env.run(run, {
      ...DOCTOR_INPUT_DEFAULTS,
      checks: 'database',
      'database-url': migrated.url,
      'allow-pending-migrations': 'false',
    });
    expect(fine.failed).toBe(false);
  });
});
