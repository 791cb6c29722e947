// Issue 13: `freshet doctor` against a good and a broken configuration — real PostgreSQL (one
// database migrated, one not), a folder source, the local store, and the local GitHub API server
// for Pages; the archive's locations against a real S3 API server holding the real archive object;
// and the checks a workflow selects.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../actions/cli/run.ts';
import { testShell } from '../support/cli-shell.ts';
import { createTestDatabase, useMigratedDatabase } from '../support/database.ts';
import { type GitHubApiServer, startGitHubApiServer } from '../support/github-api-server.ts';
import { openaqSampleText } from '../support/openaq-fixtures.ts';
import { type S3TestServer, startS3Server } from '../support/s3-server.ts';

const ARCHIVE = 's3://openaq-data-archive/records/csv.gz/';

interface Report {
  ok: boolean;
  checks: { check: string; status: string; message: string }[];
}

describe('freshet doctor', () => {
  const migrated = useMigratedDatabase('doctor');
  let unmigrated: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let withPages: GitHubApiServer;
  let withoutPages: GitHubApiServer;
  let s3: S3TestServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'freshet-doctor-'));
    await mkdir(join(dir, 'fetches', '2014-01-01'), { recursive: true });
    await writeFile(join(dir, 'aliases.json'), '{}\n');
    await writeFile(
      join(dir, 'stale-aliases.json'),
      `${JSON.stringify({ 'ozone-forest': { production: 3 } })}\n`,
    );
    unmigrated = await createTestDatabase('doctor_bare');
    withPages = await startGitHubApiServer({ pages: true });
    withoutPages = await startGitHubApiServer();
    // The real archive object of location 2178, and the same bytes as 8118's a year later.
    s3 = await startS3Server();
    await s3.createBucket('openaq-data-archive');
    const real = gzipSync(openaqSampleText('archive/location-2178-20230222.csv.gz'));
    await s3.putObjects('openaq-data-archive', [
      ['records/csv.gz/locationid=2178/year=2023/month=02/location-2178-20230222.csv.gz', real],
      ['records/csv.gz/locationid=8118/year=2024/month=02/location-8118-20240222.csv.gz', real],
      ['records/csv.gz/locationid=8118/year=2024/month=03/README.txt', 'not an object'],
    ]);
    await writeFile(join(dir, 'locations.txt'), '# two good, one unknown\n2178\n8118\n4242\n');
  });
  afterAll(async () => {
    await withPages?.close();
    await withoutPages?.close();
    await s3?.stop();
    await unmigrated?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const doctor = async (args: string[], server: GitHubApiServer, env: Record<string, string>) => {
    const { shell, out, messages } = testShell(join(dir, 'state'), {
      env: {
        GITHUB_TOKEN: server.token,
        GITHUB_REPOSITORY: `${server.owner}/${server.repo}`,
        GITHUB_API_URL: server.apiUrl,
        ...env,
      },
    });
    const status = await run(['doctor', ...args], shell);
    const report = args.includes('--json')
      ? (JSON.parse(out.at(-1) ?? 'null') as Report)
      : undefined;
    return { status, out, messages, report };
  };
  const statusOf = (report: Report | undefined) =>
    Object.fromEntries((report?.checks ?? []).map((c) => [c.check, c.status]));

  it('finds nothing to fix in a good configuration', async () => {
    const { status, report } = await doctor(
      [
        '--json',
        '--source',
        pathToFileURL(join(dir, 'fetches')).href,
        '--aliases',
        join(dir, 'aliases.json'),
      ],
      withPages,
      {
        DATABASE_URL: migrated.url,
        CI: 'true',
        CLOUDFLARE_API_TOKEN: 'cf-token',
        CLOUDFLARE_ACCOUNT_ID: 'cf-account',
      },
    );
    expect(statusOf(report)).toEqual({
      database: 'ok',
      source: 'ok',
      // A folder of YYYY-MM-DD folders: the real-time layout, which has no locations.
      locations: 'skipped',
      cloudflare: 'ok',
      aliases: 'ok',
      pages: 'ok',
    });
    expect(report?.ok).toBe(true);
    expect(status).toBe(0);
    expect(withPages.requests).toContainEqual(
      expect.objectContaining({ method: 'GET', path: '/repos/octo-org/freshet/pages' }),
    );
  });

  it('says what to fix in a broken one, one line per problem, and exits 1', async () => {
    const { status, out } = await doctor(
      [
        '--source',
        pathToFileURL(join(dir, 'no-such-folder')).href,
        '--aliases',
        join(dir, 'stale-aliases.json'),
      ],
      withoutPages,
      // The account without the token: half the Cloudflare configuration.
      { DATABASE_URL: unmigrated.url, CI: 'true', CLOUDFLARE_ACCOUNT_ID: 'cf-account' },
    );
    expect(status).toBe(1);
    const lines = out.join('\n').split('\n');
    const line = (check: string) => lines.find((l) => l.includes(` ${check}: `)) ?? '';
    expect(line('database')).toMatch(/^problem .*is not migrated .*freshet db migrate/);
    expect(line('source')).toMatch(/^problem .*no-such-folder.*FRESHET_SOURCE/);
    expect(line('cloudflare')).toMatch(/^problem .*CLOUDFLARE_API_TOKEN is not set/);
    expect(line('aliases')).toMatch(/^problem .*ozone-forest.*freshet models list/);
    expect(line('pages')).toMatch(
      /^problem +pages: GitHub Pages is not enabled for octo-org\/freshet: open https:\/\/github.com\/octo-org\/freshet\/settings\/pages/,
    );
    expect(lines.at(-1)).toBe('5 problems to fix');
  });

  it('reports an unreachable or missing database, and skips what it cannot check', async () => {
    const unreachable = await doctor(
      ['--json', '--source', pathToFileURL(join(dir, 'fetches')).href],
      withPages,
      { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/toar', GITHUB_TOKEN: '' },
    );
    expect(unreachable.status).toBe(1);
    const database = unreachable.report?.checks.find((c) => c.check === 'database');
    expect(database?.message).toMatch(/127\.0\.0\.1:1.* cannot be reached/);
    expect(database?.message).not.toContain('secret');
    expect(statusOf(unreachable.report)).toMatchObject({
      locations: 'skipped',
      cloudflare: 'skipped',
      pages: 'skipped',
    });

    const missing = await doctor(['--json'], withPages, { FRESHET_SOURCE: 'file:///nowhere/' });
    expect(missing.report?.checks[0]).toMatchObject({
      check: 'database',
      status: 'problem',
      message: expect.stringContaining('DATABASE_URL is not set'),
    });
  });
  /** The doctor's locations check (and the source's) on the archive in the S3 API server. */
  const archive = (args: string[], env: Record<string, string> = {}) =>
    doctor(
      [
        '--json',
        '--checks',
        'source,locations',
        '--source',
        ARCHIVE,
        '--endpoint',
        s3.endpoint,
        '--anonymous',
        ...args,
      ],
      withPages,
      env,
    );
  const outcome = (report: Report | undefined, check: string) =>
    report?.checks.find((c) => c.check === check);

  it('finds every archive location of a good list in the source, with its newest day', async () => {
    const { status, report } = await archive(['--layout', 'archive', '--locations', '8118,2178']);
    expect(report?.checks.map((c) => c.check)).toEqual(['source', 'locations']);
    expect(outcome(report, 'locations')).toEqual({
      check: 'locations',
      status: 'ok',
      message: `2 locations, each with objects in ${ARCHIVE}: 2178 (newest 2023-02-22), 8118 (newest 2024-02-22)`,
    });
    expect(status).toBe(0);
    // The layout told from the folders, and the locations from FRESHET_LOCATIONS, as ingest reads them.
    const configured = await archive([], { FRESHET_LOCATIONS: '2178' });
    expect(outcome(configured.report, 'locations')?.status).toBe('ok');
    const all = await archive(['--locations', 'all']);
    expect(outcome(all.report, 'locations')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('its listing starts with 2178, 8118'),
    });
  });

  it('names the locations of a broken list that the source lacks, and what to do, on one line', async () => {
    const { status, out } = await doctor(
      [
        '--checks',
        'locations',
        '--source',
        ARCHIVE,
        '--endpoint',
        s3.endpoint,
        '--anonymous',
        '--locations',
        '2178,99999999,4242',
      ],
      withPages,
      {},
    );
    expect(status).toBe(1);
    expect(out.join('\n').split('\n')).toEqual([
      `problem  locations: locations 4242, 99999999 have no object in ${ARCHIVE}: check each id on OpenAQ's explorer (https://explore.openaq.org/locations/4242) and fix the variable FRESHET_LOCATIONS (or --locations)`,
      '1 problem to fix',
    ]);
    const fromFile = await archive(['--locations', `@${join(dir, 'locations.txt')}`]);
    expect(outcome(fromFile.report, 'locations')).toMatchObject({
      status: 'problem',
      message: expect.stringMatching(/^location 4242 has no object in .*check the id on OpenAQ/),
    });
    const none = await archive(['--layout', 'archive']);
    expect(outcome(none.report, 'locations')).toMatchObject({
      status: 'problem',
      message: expect.stringContaining(
        'needs locations and none is given: set the variable FRESHET_LOCATIONS',
      ),
    });
    const unreadable = await archive(['--locations', `@${join(dir, 'no-such-file.txt')}`]);
    expect(outcome(unreadable.report, 'locations')).toMatchObject({
      status: 'problem',
      message: expect.stringMatching(/no-such-file\.txt.*fix the variable FRESHET_LOCATIONS/),
    });
  });

  it('skips the locations with the real-time layout, saying why', async () => {
    const { report } = await archive(['--layout', 'realtime', '--locations', '99999999']);
    expect(outcome(report, 'locations')).toEqual({
      check: 'locations',
      status: 'skipped',
      message:
        "the layout is realtime (as configured): locations select the archive's objects only",
    });
  });

  it('runs only the checks --checks names, and lets a workflow allow pending migrations', async () => {
    const only = await doctor(['--json', '--checks', 'database'], withPages, {
      DATABASE_URL: unmigrated.url,
    });
    expect(only.report?.checks.map((c) => c.check)).toEqual(['database']);
    expect(only.status).toBe(1);
    const allowed = await doctor(
      ['--json', '--checks', 'database', '--allow-pending-migrations'],
      withPages,
      { DATABASE_URL: unmigrated.url },
    );
    expect(allowed.report?.checks).toEqual([
      {
        check: 'database',
        status: 'ok',
        message: expect.stringMatching(
          /is reachable; \d+ migrations pending \(1 .*applied by the job's next freshet step$/,
        ),
      },
    ]);
    expect(allowed.status).toBe(0);
    const unknown = await doctor(['--checks', 'database,nope'], withPages, {});
    expect(unknown.status).toBe(2);
    expect(unknown.messages.join('\n')).toContain(
      '--checks "database,nope" "nope" is not a check: give some of database, source, locations, cloudflare, aliases, pages, separated by commas',
    );
  });
});
