// The real-data case of `npm run bench:ingest`: fetch objects made of real OpenAQ records, ingested
// by a whole `freshet ingest` process, against gunzip + JSON.parse of the same files in one thread.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { childrenOf, peakRss } from '../test/support/processes.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The real fetch: its vendored copy when there is one, else the shared data. */
const REAL_SAMPLES = [
  join(ROOT, 'test/fixtures/openaq/fetches/2018-06-07.ndjson.gz'),
  resolve(ROOT, '../shared/data/openaq/fetches/2018-06-07.ndjson'),
];
const REAL_OBJECTS = 20;
const REAL_RECORDS_PER_OBJECT = 56_000;
/** Sets of stations the real records are placed at: 96 places × 66 ≈ a real fetch's 6,300 stations. */
const STATION_COPIES = 66;
const HOUR = 3_600_000;

/** The real sample's non-blank lines. */
async function realSampleLines(): Promise<string[]> {
  const file = REAL_SAMPLES.find((f) => existsSync(f));
  if (file === undefined) throw new Error(`no real sample: looked for ${REAL_SAMPLES.join(', ')}`);
  const bytes = await readFile(file);
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString();
  return text.split('\n').filter((l) => l.trim() !== '');
}

interface RealRecord {
  time: number;
  value: Record<string, unknown>;
}

/**
 * Writes 20 fetch objects (gzipped, real-time layout, 10 minutes apart) under `root` and returns their
 * paths. The real fetch holds about 29 hours of measurements from 96 places; its last 24 hours are
 * repeated day after day to make a timeline, and placed at 66 sets of stations (the same records moved
 * east by 0.01° per copy, as if more stations reported alike: about 6,300 stations, as in a real fetch
 * of the time; a record without coordinates gets a location name per copy instead). Each fetch holds the timeline's latest hours before its fetch time, as many as make
 * about 56k records: like a real fetch it repeats most of the previous one and adds what was measured
 * since.
 */
export async function writeRealFetches(root: string): Promise<{ files: string[]; start: number }> {
  const DAY_MS = 24 * HOUR;
  const end = Date.parse('2018-06-07T02:00:00Z');
  const day: RealRecord[] = [];
  for (const line of await realSampleLines()) {
    const value = JSON.parse(line) as Record<string, unknown>;
    const utc = (value.date as { utc?: unknown } | undefined)?.utc;
    const time = typeof utc === 'string' ? Date.parse(utc) : Number.NaN;
    if (time > end - DAY_MS && time <= end) day.push({ time, value });
  }
  // How long ago, on the timeline, a record of the day was last measured before `at`.
  const age = (record: RealRecord, at: number) => (((at - record.time) % DAY_MS) + DAY_MS) % DAY_MS;
  let window = HOUR;
  const perCopy = REAL_RECORDS_PER_OBJECT / STATION_COPIES;
  while (window < DAY_MS && day.filter((r) => age(r, end) < window).length < perCopy) {
    window += 600_000;
  }
  const placed = (record: RealRecord, time: number, copy: number): string => {
    const value = structuredClone(record.value);
    (value.date as { utc: string }).utc = new Date(time).toISOString();
    const coordinates = value.coordinates as { longitude?: unknown } | undefined;
    if (copy > 0 && typeof coordinates?.longitude === 'number') {
      const moved = coordinates.longitude + copy * 0.01;
      coordinates.longitude = Math.round((moved > 180 ? moved - 360 : moved) * 1e6) / 1e6;
    } else if (copy > 0) {
      // A record without coordinates (a fifth of them) is another location's in each copy, as in a
      // real fetch: no line repeats within a fetch, only from one fetch to the next.
      value.location = `${String(value.location)} ${copy}`;
    }
    return JSON.stringify(value);
  };
  const start = Date.parse('2018-06-07T00:00:00Z');
  const folder = join(root, '2018-06-07');
  await mkdir(folder, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < REAL_OBJECTS; i++) {
    const fetchedAt = end + i * 600_000;
    const lines: string[] = [];
    for (let copy = 0; copy < STATION_COPIES; copy++) {
      for (const record of day) {
        const ago = age(record, fetchedAt);
        if (ago < window) lines.push(placed(record, fetchedAt - ago, copy));
      }
    }
    const file = join(folder, `${fetchedAt / 1000}.ndjson.gz`);
    await writeFile(file, gzipSync(`${lines.join('\n')}\n`));
    files.push(file);
  }
  return { files, start };
}

/** Records per second of gunzip + split + JSON.parse of `files`, in this thread. */
async function parseRate(files: readonly string[]): Promise<{ records: number; rate: number }> {
  const contents = await Promise.all(files.map((f) => readFile(f)));
  const started = performance.now();
  let records = 0;
  for (const bytes of contents) {
    for (const line of gunzipSync(bytes).toString().split('\n')) {
      if (line === '') continue;
      JSON.parse(line);
      records++;
    }
  }
  return { records, rate: records / ((performance.now() - started) / 1000) };
}

/** Pairs of measurements (parse, then ingest) the real-data case takes; it reports the median. */
const REAL_RUNS = 3;

/**
 * The real-data case: the wall time of a whole `freshet ingest --json` process (start-up,
 * migrations of a fresh database, workers) over the real fetches, against parsing them. The two
 * are measured side by side {@link REAL_RUNS} times (the machine's speed drifts by ±10 % within
 * minutes); the pair with the median ratio is reported, and the peak memory of every run.
 */
export async function realCase(work: string, serverUrl: string, log: (message: string) => void) {
  const root = join(work, 'real');
  log('writing 20 fetch objects of real records…');
  const { files, start } = await writeRealFetches(root);
  const pairs: { parseRate: number; ingestRate: number; ratio: number }[] = [];
  let peakBytes = 0;
  let records = 0;
  let stations = 0;
  for (let run = 1; run <= REAL_RUNS; run++) {
    const parse = await parseRate(files);
    const ingest = await ingestOnce(root, start, serverUrl, parse.records, log);
    records = parse.records;
    stations = ingest.stations;
    peakBytes = Math.max(peakBytes, ingest.peakBytes);
    const ingestRate = parse.records / ingest.seconds;
    const ratio = ingestRate / parse.rate;
    pairs.push({ parseRate: parse.rate, ingestRate, ratio });
    log(
      `real, run ${run} of ${REAL_RUNS}: gunzip + JSON.parse ${Math.round(parse.rate)} records/s; ` +
        `\`freshet ingest\` ${parse.records} records in ${ingest.seconds.toFixed(2)} s ` +
        `(${Math.round(ingestRate)}/s, whole process, peak ${(ingest.peakBytes / 2 ** 20).toFixed(0)} MiB); ` +
        `ratio ${ratio.toFixed(3)}`,
    );
  }
  const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)];
  if (median === undefined) throw new Error('real: no run');
  return {
    peakBytes,
    records,
    stations,
    parseRate: median.parseRate,
    ingestRate: median.ingestRate,
    /** Every run's ratio, in the order they ran. */
    ratios: pairs.map((p) => p.ratio),
  };
}

/** One `freshet ingest` of the real fetches under `root`, on a fresh database. */
async function ingestOnce(
  root: string,
  start: number,
  serverUrl: string,
  expectedLines: number,
  log: (message: string) => void,
): Promise<{ seconds: number; peakBytes: number; stations: number }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bench_real');
  await admin.query('CREATE DATABASE bench_real');
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = '/bench_real';

  log('real: running `freshet ingest` on a fresh database…');
  const started = performance.now();
  // Through the launcher, as a user runs it (it starts the command with its Node flags).
  const run = await runWatched(
    join(ROOT, 'node_modules/.bin/node'),
    [
      join(ROOT, 'actions/bin/freshet.js'),
      'ingest',
      '--source',
      pathToFileURL(root).toString(),
      '--start',
      new Date(start).toISOString(),
      '--end',
      new Date(start + 6 * HOUR).toISOString(),
      '--json',
    ],
    // The database URL (with its password) goes in the environment: a command line is readable by
    // every user of the machine from /proc.
    { cwd: dirname(root), env: { ...process.env, DATABASE_URL: url.toString() } },
  );
  const seconds = (performance.now() - started) / 1000;
  const stdout = run.stdout;
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    lines?: number;
    objects?: number;
    objects_failed?: number;
    stations_created?: number;
  };
  if (
    report.objects !== REAL_OBJECTS ||
    report.objects_failed !== 0 ||
    report.lines !== expectedLines
  ) {
    throw new Error(`real: unexpected ingest report ${stdout}`);
  }
  return { seconds, peakBytes: run.peakBytes, stations: report.stations_created ?? 0 };
}

/**
 * Runs a command to its end, with its output and the peak resident memory of the process it starts
 * (the launcher's child: the command itself), read from /proc as it runs.
 */
async function runWatched(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ stdout: string; peakBytes: number }> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    stdout += text;
  });
  let peakBytes = 0;
  // The launcher's one child, looked up once (`ps` is a process of its own, on the measured cores).
  let commandPid: number | undefined;
  const watch = setInterval(async () => {
    commandPid ??= child.pid === undefined ? undefined : childrenOf(child.pid)[0];
    if (commandPid !== undefined) peakBytes = Math.max(peakBytes, await peakRss(commandPid));
  }, 100);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  clearInterval(watch);
  if (code !== 0) throw new Error(`real: \`freshet ingest\` exited with ${code}`);
  return { stdout, peakBytes };
}
