// `freshet site serve`: the built pages over HTTP as GitHub Pages serves them, and the command
// that runs it until SIGTERM.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SiteServer, serveSite } from '../../actions/lib/site/serve-site.ts';
import { FRESHET } from '../support/freshet-command.ts';
import { usageProblems } from '../support/usage-problems.ts';

let root: string;
let site: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'freshet-serve-'));
  site = join(root, '.freshet', 'site');
  await mkdir(join(site, 'models', 'ozone'), { recursive: true });
  await writeFile(join(site, 'index.html'), '<!doctype html><title>home</title>');
  await writeFile(
    join(site, 'models', 'ozone', 'index.html'),
    '<!doctype html><title>ozone</title>',
  );
  await writeFile(join(site, 'style.css'), 'body{}');
  await writeFile(join(root, 'secret.txt'), 'outside the site');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('serveSite', () => {
  let server: SiteServer;
  beforeAll(async () => {
    server = await serveSite(site, 0);
  });
  afterAll(async () => {
    await server.close();
  });
  const get = (path: string) => fetch(new URL(path, server.url), { redirect: 'manual' });

  it('serves <route>/index.html for <route>/, with its type', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toContain('<title>home</title>');
    expect(await (await get('/models/ozone/')).text()).toContain('<title>ozone</title>');
    expect((await get('/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('redirects a folder without its slash', async () => {
    const response = await get('/models/ozone?x=1');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/models/ozone/?x=1');
  });

  it('answers 404 for what is not there, and for paths outside the site', async () => {
    expect((await get('/models/absent/')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/..%2f..%2fsecret.txt')).status).toBe(404);
  });

  it('serves under the base path the site was built for', async () => {
    const based = await serveSite(site, 0, '/freshet/');
    try {
      expect(based.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/freshet\/$/);
      expect((await fetch(based.url)).status).toBe(200);
      expect((await fetch(new URL('/', based.url))).status).toBe(404);
    } finally {
      await based.close();
    }
  });

  it('refuses a folder without a built site, saying how to build one', async () => {
    await expect(serveSite(root, 0)).rejects.toThrow(
      `${root} holds no built site: run \`freshet site build\` first`,
    );
  });
});

describe('freshet site serve', () => {
  it('serves the working directory’s .freshet/site until SIGTERM, then exits 0', async () => {
    const child = spawn(FRESHET, ['site', 'serve', '--port', '0'], {
      cwd: root,
      env: { PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`, HOME: root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
        if (found) resolve(found);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before serving: ${stdout}`)));
    });
    expect(stdout).toContain(`serving ${join(root, '.freshet', 'site')} at ${url}`);
    expect(await (await fetch(url)).text()).toContain('<title>home</title>');
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

describe('the site commands’ flags', () => {
  it('are checked together, each problem named', async () => {
    const { parseCommandLine } = await import('../../actions/cli/parse.ts');
    const env = { now: 0 };
    expect(parseCommandLine(['site', 'build'], env)).toEqual({
      name: 'site-build',
      store: 'local',
      githubApiUrl: 'https://api.github.com',
      base: '/',
    });
    expect(
      parseCommandLine(['site', 'build', '--edge-url', 'https://e.x/', '--base', 'freshet'], {
        ...env,
        GITHUB_REPOSITORY: 'octo/freshet',
        DATABASE_URL: 'postgres://u:p@db/x',
      }),
    ).toEqual({
      name: 'site-build',
      store: 'local',
      githubApiUrl: 'https://api.github.com',
      base: '/freshet/',
      edgeUrl: 'https://e.x',
      // The registry's setting: kept with the local store too, for the pages' release links.
      repository: { owner: 'octo', repo: 'freshet' },
      databaseUrl: 'postgres://u:p@db/x',
    });
    // The registry's store setting: --store github reads the repository's releases.
    expect(
      parseCommandLine(['site', 'build', '--store', 'github', '--repository', 'octo/freshet'], env),
    ).toMatchObject({ store: 'github', repository: { owner: 'octo', repo: 'freshet' } });
    expect(
      usageProblems(() =>
        parseCommandLine(
          [
            'site',
            'build',
            '--edge-url',
            'ftp://x',
            '--base',
            '/a b/',
            '--store',
            's3',
            '--repository',
            'x',
          ],
          env,
        ),
      ),
    ).toEqual([
      '--edge-url "ftp://x" must be an http:// or https:// URL',
      // The registry's own wording: the site reads the same settings.
      '--store "s3" is not a store: use local or github',
      '--repository "x" is not owner/repo, e.g. octo/freshet',
      '--base "/a b/" must be a path such as / or /freshet/',
    ]);
    expect(usageProblems(() => parseCommandLine(['site', 'publish'], env))).toEqual([
      'unknown command `site publish`: use `freshet site build` or `freshet site serve`',
    ]);
    expect(
      usageProblems(() => parseCommandLine(['site', 'serve', '--port', '70000'], env)),
    ).toEqual(['--port "70000" is not a whole number from 0 to 65535']);
  });
});
