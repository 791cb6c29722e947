// `npm run bench:start`: the wall time of `npm start -- --exit --days N` (the whole life-cycle,
// from an empty state folder) for N = 2 and 10, against the target of 2 minutes on a
// 2-core machine. Each run is the command line itself, in a temporary working directory; the
// table shows each phase as the command reports it. Prints a table, then one JSON line.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../actions/lib/util/table.ts';

const CLI = fileURLToPath(new URL('../actions/cli.ts', import.meta.url));
const TARGET_S = 120;
const DAYS = [2, 10];

interface Measured {
  days: number;
  wall_s: number;
  code: number | null;
  /** Seconds the command reported per phase. */
  seed_s: number | null;
  warm_up_s: number | null;
  worker_s: number | null;
  site_s: number | null;
  /** Sum of the table's task columns over the days. */
  tasks_s: number;
}

function runDemo(days: number, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'demo', '--exit', '--days', String(days)], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const number = (text: string, pattern: RegExp): number | null => {
  const found = pattern.exec(text)?.[1];
  return found === undefined ? null : Number(found);
};

const results: Measured[] = [];
for (const days of DAYS) {
  const cwd = await mkdtemp(join(tmpdir(), 'freshet-bench-start-'));
  try {
    const started = performance.now();
    const { code, out } = await runDemo(days, cwd);
    const wall = (performance.now() - started) / 1000;
    if (code !== 0) process.stderr.write(out);
    const rows = out.split('\n').filter((l) => /^\d{4}-\d\d-\d\d /.test(l));
    const tasks = rows
      .flatMap((row) => row.split(/\s+/).slice(1, 6))
      .reduce((sum, cell) => sum + (Number(cell) || 0), 0);
    results.push({
      days,
      wall_s: Math.round(wall * 10) / 10,
      code,
      seed_s: number(out, /generated fetches \(([\d.]+) s\)/),
      warm_up_s: number(out, /records in ([\d.]+) s;/),
      worker_s: number(out, /started the Worker at \S+ \(([\d.]+) s\)/),
      site_s: number(out, /built the site in \S+ \(([\d.]+) s\)/),
      tasks_s: Math.round(tasks * 10) / 10,
    });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

console.log(
  formatTable(
    ['days', 'wall s', 'exit', 'seed s', 'warm-up s', 'day tasks s', 'worker s', 'site s'],
    results.map((r) => [
      r.days,
      r.wall_s,
      r.code ?? 'signal',
      r.seed_s ?? '-',
      r.warm_up_s ?? '-',
      r.tasks_s,
      r.worker_s ?? '-',
      r.site_s ?? '-',
    ]),
  ),
);
console.log(`target: ${TARGET_S} s for 10 days on a 2-core machine`);
console.log(
  JSON.stringify({
    target_s: TARGET_S,
    runs: results,
    within_target: results.every((r) => r.code === 0 && r.wall_s <= TARGET_S),
  }),
);
