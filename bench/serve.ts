// The serving benchmark. Trains the example forest (training/ozone-forest: 100 trees, a year of
// generated hourly ozone), publishes it to a local registry folder, bundles it as a deployment does
// and serves it from workerd through Miniflare on 127.0.0.1 (not the slower `wrangler dev` proxy).
// Measures, at a fixed concurrency, in interleaved rounds, requests/s and p50/p99 latency of
//   (a) GET /ping, (b) a single-row POST /invocations, (c) a 1,000-row POST /invocations;
// the library's time per row in this process (predictBatch, what the Worker runs); and the CPU
// time of a cold isolate's first prediction, model load included. Timers inside workerd do not
// advance during CPU work, so that is measured from outside: the workerd process's CPU time
// (/proc/<pid>/task/*/schedstat, nanoseconds) around the first request to a freshly started
// process, less the same around a first GET /ping (which reads the small index.json too). Each cold
// figure is the median of its runs, with the interquartile range: other processes on the machine
// move CPU times too (by a third and more), so one run says little.
// Prints a table, then one JSON object as the last stdout line.
//
//   node bench/serve.ts [--seconds 2] [--rounds 3] [--connections 10] [--cold-runs 31]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFeatures } from '../actions/lib/training/data/features.ts';
import { parseModelJson, predictBatch } from '../actions/lib/training/forest/index.ts';
import { formatTable } from '../actions/lib/util/table.ts';
import { bundleWorker, startLocalWorker } from '../edge-serve/local/local-worker.ts';
import {
  bundleOf,
  EXAMPLE_SPEC,
  ozoneSeries,
  trainExample,
} from '../test/edge-serve/model-fixture.ts';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    // 31: with 15, the figure moved by ±1 ms from run to run (each cold process's CPU time spreads
    // by a third with what else the machine does).
    'cold-runs': { type: 'string', default: '31' },
  },
});
const SECONDS = Number(flags.seconds);
const CONNECTIONS = Number(flags.connections);
const COLD_RUNS = Number(flags['cold-runs']);
const ROUNDS = Number(flags.rounds);
const NAME = 'ozone-forest';
const log = (m: string) => process.stderr.write(`${m}\n`);

// ---------------------------------------------------------------- the model and requests

log('training the example forest on a year of generated hourly ozone…');
const trained = trainExample({ name: NAME, version: 1, hours: 365 * 24, trees: 100 });
const { registry, bundle } = await bundleOf([trained], { [NAME]: { production: 1 } });
const model = parseModelJson(await readFile(join(registry, NAME, '1', 'model.json'), 'utf8'));
const forestBytes = readFileSync(join(bundle, `_bundle/models/${NAME}/1/forest.bin`)).length;
const modelJsonBytes = (await readFile(join(registry, NAME, '1', 'model.json'))).length;

const unseen = buildFeatures(EXAMPLE_SPEC, { target: ozoneSeries(24 * 60, 4242) });
const width = unseen.nFeatures;
const rowAt = (r: number) => [...unseen.x.subarray(r * width, (r + 1) * width)];
const batch = Array.from({ length: 1000 }, (_, i) => rowAt(i % unseen.nRows));
const singleBody = JSON.stringify({ dataframe_split: { columns: model.inputs, data: [rowAt(0)] } });
const batchBody = JSON.stringify({ dataframe_split: { columns: model.inputs, data: batch } });

// ---------------------------------------------------------------- in-process time per row

const matrix = new Float32Array(batch.flat());
predictBatch(model, matrix, 1000); // warm up
let rowRuns = 0;
const rowStart = performance.now();
while (performance.now() - rowStart < 1000) {
  predictBatch(model, matrix, 1000);
  rowRuns++;
}
const rowUs = ((performance.now() - rowStart) * 1000) / (rowRuns * 1000);

// ---------------------------------------------------------------- load

interface Load {
  readonly label: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly seconds: number;
  readonly latencies: readonly number[];
}

/** One measure of several rounds: all their requests over all their time. */
function merge(loads: readonly Load[]): Load {
  const latencies = loads.flatMap((l) => l.latencies).sort((a, b) => a - b);
  const seconds = loads.reduce((sum, l) => sum + l.seconds, 0);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    label: loads[0]?.label ?? '',
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    requests: latencies.length,
    seconds,
    latencies,
  };
}

async function load(
  label: string,
  url: URL,
  init: RequestInit,
  connections: number,
  seconds: number,
): Promise<Load> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const maxRequests = 2_000_000; // a bound on the loop whatever the speed
  let failures = 0;
  const connection = async () => {
    while (performance.now() < deadline && latencies.length < maxRequests) {
      const start = performance.now();
      const response = await fetch(url, init);
      await response.arrayBuffer();
      if (!response.ok) failures++;
      latencies.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, connection));
  const elapsed = (performance.now() - start) / 1000;
  if (failures > 0) throw new Error(`${label}: ${failures} requests failed`);
  return merge([{ label, rps: 0, p50: 0, p99: 0, requests: 0, seconds: elapsed, latencies }]);
}

const json = { 'Content-Type': 'application/json' };
const script = await bundleWorker();
log(
  `serving from workerd (script ${(script.length / 1024).toFixed(0)} KiB, forest ${forestBytes} bytes)…`,
);
const worker = await startLocalWorker({ assetsDir: bundle, script });
const url = (path: string) => new URL(path, worker.url);
const post = (body: string): RequestInit => ({ method: 'POST', headers: json, body });
// Warm: the model is loaded once per isolate.
await (await fetch(url('/invocations'), post(singleBody))).arrayBuffer();
log(`load: ${ROUNDS} interleaved rounds of ${SECONDS} s each at ${CONNECTIONS} connections…`);
// Interleaved rounds, so that whatever else the machine runs weighs on each kind of request alike.
const rounds: Load[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  rounds.push([
    await load('GET /ping', url('/ping'), {}, CONNECTIONS, SECONDS),
    await load(
      'POST /invocations, 1 row',
      url('/invocations'),
      post(singleBody),
      CONNECTIONS,
      SECONDS,
    ),
    await load(
      'POST /invocations, 1,000 rows',
      url('/invocations'),
      post(batchBody),
      CONNECTIONS,
      SECONDS,
    ),
    await load(
      'POST /invocations, 1,000 rows, 1 connection',
      url('/invocations'),
      post(batchBody),
      1,
      SECONDS,
    ),
  ]);
}
const [ping, single, many, serial] = [0, 1, 2, 3].map((k) =>
  merge(rounds.map((r) => r[k] as Load)),
);
if (!ping || !single || !many || !serial) throw new Error('no load measured');
await worker.dispose();

// ---------------------------------------------------------------- cold isolate CPU

/** The pids of workerd processes whose parent is this process. */
function workerdChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm === 'workerd')
    .map(([pid]) => Number(pid));
}

/** CPU time of every thread of `pid`, in ms. */
function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return ns / 1e6;
}

/** Waits until workerd has used no CPU for 100 ms (start-up work finished). */
async function quiet(pid: number): Promise<void> {
  let previous = cpuMs(pid);
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = cpuMs(pid);
    if (now - previous < 0.05) return;
    previous = now;
  }
}

/** CPU ms the first request costs a fresh workerd process. */
async function firstRequestCpu(
  path: string,
  init: RequestInit,
  status = 200,
  assetsDir = bundle,
): Promise<number> {
  const fresh = await startLocalWorker({ assetsDir, script });
  try {
    const [pid] = workerdChildren();
    if (pid === undefined) throw new Error('no workerd process found');
    await quiet(pid);
    const before = cpuMs(pid);
    const response = await fetch(new URL(path, fresh.url), init);
    await response.arrayBuffer();
    if (response.status !== status) throw new Error(`${path}: ${response.status}`);
    await new Promise((r) => setTimeout(r, 50));
    return cpuMs(pid) - before;
  } finally {
    await fresh.dispose();
  }
}

log(`cold isolates: ${COLD_RUNS} fresh workerd processes for each first request…`);
/** The value below which a fraction `q` of `xs` falls (the nearest rank). */
const quantile = (xs: readonly number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1) + 0.5)] ?? 0;
const median = (xs: readonly number[]) => quantile(xs, 0.5);
const coldPing: number[] = [];
const coldCard: number[] = [];
const coldPost: number[] = [];
const coldPredict: number[] = [];
// The same model with one tree: what a first prediction costs whatever the forest's size.
const tiny = await bundleOf([trainExample({ name: NAME, version: 1, hours: 365 * 24, trees: 1 })], {
  [NAME]: { production: 1 },
});
const coldTiny: number[] = [];
const refused: RequestInit = {
  method: 'POST',
  headers: { 'Content-Type': 'text/plain' },
  body: singleBody,
};
for (let i = 0; i < COLD_RUNS; i++) {
  coldPing.push(await firstRequestCpu('/ping', {}));
  coldCard.push(await firstRequestCpu(`/models/${NAME}`, {}));
  coldPost.push(await firstRequestCpu('/invocations', refused, 415));
  coldPredict.push(await firstRequestCpu('/invocations', post(singleBody)));
  coldTiny.push(await firstRequestCpu('/invocations', post(singleBody), 200, tiny.bundle));
}
const coldCpu = median(coldPredict) - median(coldPing);
// Each run's prediction less its own ping (started a few seconds apart): how much the difference
// itself moves from run to run.
const paired = coldPredict.map((ms, i) => ms - (coldPing[i] ?? 0));
await rm(dirname(registry), { recursive: true, force: true });
await rm(dirname(tiny.registry), { recursive: true, force: true });

// ---------------------------------------------------------------- report

const f = (x: number, d = 1) => x.toFixed(d);
const spread = (xs: readonly number[]) =>
  `${f(median(xs), 2)} (${f(quantile(xs, 0.25), 2)}–${f(quantile(xs, 0.75), 2)})`;
console.log(
  formatTable(
    ['request', 'connections', 'requests', 'req/s', 'p50 ms', 'p99 ms'],
    [ping, single, many]
      .map((l) => [l.label, CONNECTIONS, l.requests, f(l.rps, 0), f(l.p50, 2), f(l.p99, 2)])
      .concat([
        [serial.label, 1, serial.requests, f(serial.rps, 0), f(serial.p50, 2), f(serial.p99, 2)],
      ]),
  ),
);
console.log('');
console.log(
  formatTable(
    ['measure', 'value'],
    [
      ['model.json bytes (100 trees, a year)', modelJsonBytes],
      ['forest.bin bytes (deployed)', forestBytes],
      ['Worker script KiB (minified, as deployed)', f(script.length / 1024, 0)],
      ['library time per row, µs (Node, 1,000-row batch)', f(rowUs, 2)],
      [`cold first GET /ping, workerd CPU ms (median of ${COLD_RUNS}, p25–p75)`, spread(coldPing)],
      ['cold first GET /models/:name (no forest), workerd CPU ms', spread(coldCard)],
      ['cold first POST refused with 415 (no model), workerd CPU ms', spread(coldPost)],
      ['cold first 1-row /invocations, workerd CPU ms', spread(coldPredict)],
      ['cold prediction less the 415 POST, CPU ms', f(median(coldPredict) - median(coldPost), 2)],
      ['cold first 1-row /invocations, 1-tree forest, CPU ms', spread(coldTiny)],
      [
        "the 100-tree forest's share (fetch + sha256 of its bytes, predicting), CPU ms",
        f(median(coldPredict) - median(coldTiny), 2),
      ],
      ['cold prediction less ping, run by run, CPU ms (median, p25–p75)', spread(paired)],
      ['cold prediction less ping (load + verify + predict), CPU ms', f(coldCpu, 2)],
    ],
  ),
);
console.log(
  JSON.stringify({
    ping_rps: Math.round(ping.rps),
    predict_rps: Math.round(single.rps),
    predict_to_ping_ratio: Number((single.rps / ping.rps).toFixed(3)),
    p99_ms: Number(single.p99.toFixed(2)),
    batch1000_ms: Number(serial.p50.toFixed(2)),
    row_us: Number(rowUs.toFixed(3)),
    cold_first_request_cpu_ms: Number(coldCpu.toFixed(2)),
    cold_runs: COLD_RUNS,
    cold_paired_p25_p75_ms: [quantile(paired, 0.25), quantile(paired, 0.75)].map((ms) =>
      Number(ms.toFixed(2)),
    ),
  }),
);
