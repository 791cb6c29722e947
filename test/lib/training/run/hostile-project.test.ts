// Another repository's code, tried as an attacker would (issue 12, point 6): run as root here, the
// runner makes an OS user for the run and removes it; every attempt of the hostile project at the
// runner's credentials, files, the database or outliving the run must fail.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRecord } from '../../../../actions/lib/toar/embedded.ts';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import { fetchProject } from '../../../../actions/lib/training/project/git-fetch.ts';
import { processesOf } from '../../../../actions/lib/training/run/run-as.ts';
import { removeStaleSandboxUsers } from '../../../../actions/lib/training/run/sandbox-user.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { trainWith } from '../../../../actions/wiring.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { git } from '../../../support/git.ts';
import { insertData, insertSeries, insertStation } from '../toar-fixture.ts';
import { ATTACKS, HOSTILE_SCRIPT } from './hostile-project.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
let work: string;
let remotes: string;
let commit: string;
const SECRET = `s3cret-${Math.random().toString(16).slice(2)}`;

beforeAll(async () => {
  db = await createTestDatabase('hostile');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client, silentLogger);
  const station = await insertStation(client, '34.8378', '-118.1234', 'Lancaster');
  const series = await insertSeries(client, station, 'o3', 60);
  await insertData(
    client,
    series,
    Array.from({ length: 48 }, (_, h) => [new Date(Date.UTC(2014, 0, 1, h)).toISOString(), h]),
  );
  work = await mkdtemp(join(tmpdir(), 'freshet-hostile-'));
  remotes = join(work, 'remotes');
  const bare = join(remotes, 'mallory', 'models');
  const clone = join(work, 'clone');
  execFileSync('git', ['init', '--quiet', '--bare', bare]);
  execFileSync('git', ['init', '--quiet', clone]);
  await writeFile(join(clone, 'hostile.mjs'), HOSTILE_SCRIPT);
  await writeFile(
    join(clone, 'freshet-project.yml'),
    [
      'name: innocent',
      'entry_points:',
      '  main:',
      '    parameters:',
      '      runner_home: {type: string, default: ""}',
      '      record: {type: string, default: ""}',
      '      pid_file: {type: string, default: ""}',
      '      ports: {type: string, default: ""}',
      `    command: ${JSON.stringify(`'${process.execPath}' hostile.mjs --runner-home {runner_home} --record {record} --pid-file {pid_file} --ports {ports}`)}`,
      '  swap:',
      '    parameters:',
      '      decoy: {type: string, default: ""}',
      // The output folder replaced by a link to a folder of someone else's.
      '    command: mv "$FRESHET_OUTPUT_DIR" "$FRESHET_OUTPUT_DIR.real" && ln -s {decoy} "$FRESHET_OUTPUT_DIR"',
      'data:',
      '  variable: o3',
      `  station: ${station}`,
      '  window: P2D',
      '',
    ].join('\n'),
  );
  // A link the runner would read as root if it followed it.
  await symlink('/etc/shadow', join(clone, 'requirements-shadow.txt'));
  git(clone, 'add', '.');
  git(clone, 'commit', '--quiet', '-m', 'nothing to see');
  commit = git(clone, 'rev-parse', 'HEAD');
  git(clone, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
});

afterAll(async () => {
  await client.end();
  await db.drop();
  await rm(work, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a hostile project of another repository', () => {
  it('fails at every attack: environ, cmdline, the parent’s files, the runner’s home, postgres.json, setsid, the database', async () => {
    // A state folder others can traverse, so that only postgres.json's own mode protects it.
    const state = join(work, 'state');
    await mkdir(state, { recursive: true });
    await chmod(work, 0o755);
    await chmod(state, 0o755);
    const record = join(state, 'postgres.json');
    await writeRecord(record, { dataDir: '/nowhere', port: 1, password: SECRET });
    const pidFile = join('/tmp', `freshet-hostile-${process.pid}-${Date.now()}.pid`);

    const result = await trainWith(
      {
        project: `mallory/models@${commit}`,
        databaseUrl: db.url,
        remoteBaseUrl: pathToFileURL(`${remotes}/`).href,
        parameters: {
          runner_home: homedir(),
          record,
          pid_file: pidFile,
          ports: new URL(db.url).port,
        },
      },
      {
        logger: silentLogger,
        stateDir: state,
        env: { ...process.env, DATABASE_URL: db.url, SECRET_TOKEN: SECRET },
      },
    );
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    const attempts: { attack: string; target: string; succeeded: boolean; detail: string }[] =
      JSON.parse(await readFile(join(result.artifactsDir, 'attacks.json'), 'utf8'));
    // Each attack was really tried…
    expect(new Set(attempts.map((a) => a.attack))).toEqual(new Set(ATTACKS));
    expect(attempts.filter((a) => a.attack === 'database').length).toBeGreaterThan(4);
    expect(attempts.filter((a) => a.attack === 'environ').length).toBeGreaterThan(2);
    // …and none got anywhere: no secret of the runner (its environment's token, the database's
    // password) in any environ or command line it could read, and nothing else it could reach.
    const secrets = [SECRET, decodeURIComponent(new URL(db.url).password)];
    const readable = attempts.filter((a) => a.attack === 'environ' || a.attack === 'cmdline');
    expect(readable.filter((a) => a.succeeded).length).toBeGreaterThan(10);
    expect(readable.filter((a) => secrets.some((s) => a.detail.includes(s)))).toEqual([]);
    // (Only this run's secrets: other processes on a shared machine may put their own URLs on
    // their command lines, which says nothing about this runner.)
    const others = attempts.filter((a) => a.attack !== 'environ' && a.attack !== 'cmdline');
    expect(others.filter((a) => a.succeeded)).toEqual([]);
    expect(attempts.find((a) => a.target === record)?.detail).toBe('EACCES');
    expect(attempts.find((a) => a.attack === 'runner-home')?.detail).toBe('EACCES');

    // The process it left with setsid ended with the run, and so did its user and home.
    const leftPid = Number(await readFile(pidFile, 'utf8'));
    await rm(pidFile, { force: true });
    expect(leftPid).toBeGreaterThan(1);
    expect(alive(leftPid)).toBe(false);
    const seenUser = execFileSync('getent', ['passwd'], { encoding: 'utf8' });
    expect(seenUser).not.toMatch(/freshet run /);
    const { rows } = await client.query("SELECT to_regclass('public.hostile_was_here') AS t");
    expect(rows[0].t).toBeNull();
    // The link it left among its outputs was not followed: not kept, /etc/shadow not copied.
    expect(result.artifacts.map((a) => a.name)).not.toContain('shadow.txt');
    expect(existsSync(join(result.artifactsDir, 'shadow.txt'))).toBe(false);
  });

  it("checks another repository's links out as plain files, so the runner never follows one", async () => {
    const checkout = join(work, 'checkout-links');
    await fetchProject(
      { kind: 'remote', owner: 'mallory', repo: 'models', path: '', commit },
      { checkoutDir: checkout, baseUrl: pathToFileURL(`${remotes}/`).href, env: process.env },
    );
    const entry = await lstat(join(checkout, 'requirements-shadow.txt'));
    expect(entry.isFile()).toBe(true);
    expect(await readFile(join(checkout, 'requirements-shadow.txt'), 'utf8')).toBe('/etc/shadow');
  });

  it('does not follow an output folder the project replaced with a link', async () => {
    const decoy = join(work, 'decoy');
    await mkdir(decoy, { recursive: true });
    await chmod(work, 0o755);
    await symlink('/etc/hostname', join(decoy, 'link'));
    const result = await trainWith(
      {
        project: `mallory/models@${commit}`,
        entryPoint: 'swap',
        databaseUrl: db.url,
        remoteBaseUrl: pathToFileURL(`${remotes}/`).href,
        parameters: { decoy },
      },
      { logger: silentLogger, stateDir: join(work, 'state-swap'), env: process.env },
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/outputs/);
    // The decoy's link is still there: nothing ran over the decoy as root.
    expect((await lstat(join(decoy, 'link'))).isSymbolicLink()).toBe(true);
    expect(result.artifacts).toEqual([]);
  });

  it('refuses to run it when the OS user cannot be made (a runner neither root nor with sudo)', async () => {
    // The same code as user nobody, on this machine without sudo.
    const script = join(work, 'unprivileged.ts');
    const sandbox = pathToFileURL(
      join(import.meta.dirname, '../../../../actions/lib/training/run/sandbox-user.ts'),
    ).href;
    await writeFile(
      script,
      `import { createSandboxUser } from ${JSON.stringify(sandbox)};
const logger = { info() {}, warn() {}, error() {} };
try {
  await createSandboxUser({ project: 'mallory/models@x', logger });
  console.log('made');
} catch (error) {
  console.log(error.name + ': ' + error.message);
}
`,
    );
    await chmod(work, 0o755);
    await chmod(script, 0o644);
    const output = execFileSync(
      '/usr/sbin/runuser',
      ['-u', 'nobody', '--', process.execPath, script],
      {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin' },
      },
    );
    expect(output).toMatch(
      /^UsageError: refusing to run mallory\/models@x: code from another repository runs only as an OS user made for the run, and that user cannot be made \(.*\); run as root, or as a user with passwordless sudo/,
    );
    expect(execFileSync('getent', ['passwd'], { encoding: 'utf8' })).not.toMatch(/freshet run /);
  });

  it('removes the user and the processes a runner killed with SIGKILL left behind', async () => {
    // A runner that makes its user, starts a process as it, and is then killed with no cleanup.
    const script = join(work, 'dying-runner.ts');
    const sandbox = pathToFileURL(
      join(import.meta.dirname, '../../../../actions/lib/training/run/sandbox-user.ts'),
    ).href;
    await writeFile(
      script,
      `import { spawn } from 'node:child_process';
import { createSandboxUser } from ${JSON.stringify(sandbox)};
const logger = { info() {}, warn() {}, error() {} };
const user = await createSandboxUser({ project: 'mallory/models@x', logger });
const child = spawn('sleep', ['600'], { uid: user.uid, gid: user.gid, detached: true, stdio: 'ignore' });
child.unref();
console.log(JSON.stringify({ name: user.name, uid: user.uid, pid: child.pid }));
setInterval(() => {}, 1000);
`,
    );
    const runner = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => {
      let text = '';
      runner.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
      });
    });
    const left: { name: string; uid: number; pid: number } = JSON.parse(line);
    runner.kill('SIGKILL');
    await new Promise((resolve) => runner.once('exit', resolve));
    expect(alive(left.pid)).toBe(true);
    expect(execFileSync('getent', ['passwd', left.name], { encoding: 'utf8' })).toContain(
      left.name,
    );

    const removed = await removeStaleSandboxUsers(true, silentLogger);
    expect(removed).toContain(left.name);
    expect(alive(left.pid)).toBe(false);
    expect(await processesOf(left.uid)).toEqual([]);
    expect(() => execFileSync('getent', ['passwd', left.name])).toThrow();
    expect(existsSync(`/home/${left.name}`)).toBe(false);
  });
});
