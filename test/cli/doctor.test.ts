// Issue 13: `freshet doctor` against a good and a broken configuration — real PostgreSQL (one
// database migrated, one not), a folder source, the local store, and the local GitHub API server
// for Pages.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../actions/cli/run.ts';
import { testShell } from '../support/cli-shell.ts';
import { createTestDatabase, useMigratedDatabase } from '../support/database.ts';
import { type GitHubApiServer, startGitHubApiServer } from '../support/github-api-server.ts';

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
  });
  afterAll(async () => {
    await withPages?.close();
    await withoutPages?.close();
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
      { DATABASE_URL: migrated.url, CI: 'true', CLOUDFLARE_API_TOKEN: 'cf-token' },
    );
    expect(statusOf(report)).toEqual({
      database: 'ok',
      source: 'ok',
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
      { DATABASE_URL: unmigrated.url, CI: 'true' },
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
    expect(statusOf(unreachable.report)).toMatchObject({ cloudflare: 'skipped', pages: 'skipped' });

    const missing = await doctor(['--json'], withPages, { FRESHET_SOURCE: 'file:///nowhere/' });
    expect(missing.report?.checks[0]).toMatchObject({
      check: 'database',
      status: 'problem',
      message: expect.stringContaining('DATABASE_URL is not set'),
    });
  });
});
