// `freshet demo`, what `npm start` runs: the whole life-cycle on this machine, with nothing to
// configure. It wires the world (the embedded PostgreSQL, a local S3 API server seeded with
// generated fetches or archive objects, or a real source, the local registry), runs the evaluation
// (actions/lib/demo/), then builds the site, starts the Worker, asks it for a forecast and a
// scoring, and prints where both listen.
// Loaded only by this command (s3rver, Miniflare and Astro are needed by it alone).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { exampleCurl, serveRegistry } from '../../edge-serve/local/serve-registry.ts';
import { type DemoDay, type DemoResult, runDemo, WARM_UP_DAYS } from '../lib/demo/demo.ts';
import {
  formatDemoDay,
  formatDemoHeader,
  formatDemoNotes,
  formatWarmUp,
} from '../lib/demo/demo-format.ts';
import { forecastInput, type HourlyObservation } from '../lib/demo/forecast-input.ts';
import { describeError, FreshetError } from '../lib/errors.ts';
import { readStatus, type StatusReport } from '../lib/ingest/status.ts';
import type { Source } from '../lib/openaq/source.ts';
import { openSource } from '../lib/openaq/source-url.ts';
import { type LocalStore, localRegistryDir, localStore } from '../lib/registry/local-store.ts';
import { buildSite, DEFAULT_SITE_DIR } from '../lib/site/build-site.ts';
import { readRegistry } from '../lib/site/registry-snapshot.ts';
import { serveSite } from '../lib/site/serve-site.ts';
import { archiveObjects, generateFetches } from '../lib/synthetic/index.ts';
import type { DatabasePool } from '../lib/toar/database.ts';
import type { Logger } from '../lib/util/logger.ts';
import { type LocalS3Server, startS3Server } from '../local/s3-server.ts';
import { abortOnSignals, interruptedExitCode } from '../signals.ts';
import { type ShellContext, sourceOf, usingDatabase } from '../wiring.ts';
import type { Command } from './parse.ts';
import type { CliShell } from './run.ts';

const DAY_MS = 86_400_000;

const gzip = promisify(gzipCallback);

/** The model the example project publishes (training/ozone-forest's name). */
export const DEMO_MODEL = 'ozone-forest';

/** The bucket and prefix the generated fetches are served under, as OpenAQ's. */
const BUCKET = 'openaq-fetches';
const PREFIX = 'realtime-gzipped/';

/**
 * The generated archive's, with OpenAQ's prefix but a bucket of its own: the list of all locations
 * (`--locations all`) is kept a day by source URL, and must never be taken for OpenAQ's.
 */
const ARCHIVE_BUCKET = 'freshet-demo-archive';
const ARCHIVE_PREFIX = 'records/csv.gz/';

/** Hours forecast by the example call. */
const FORECAST_HOURS = 3;

type DemoCommand = Extract<Command, { name: 'demo' }>;

/** Seconds since `start` (a `performance.now()`), to the tenth. */
const elapsed = (start: number) => (Math.round((performance.now() - start) / 100) / 10).toFixed(1);

/**
 * Runs the demo; resolves to the exit status (0: every day went through; 1: a day failed).
 * Without `--exit`, on a terminal, the site and the Worker serve until Ctrl-C.
 */
export async function demoCommand(
  command: DemoCommand,
  shell: CliShell,
  context: ShellContext,
  project: string,
): Promise<number> {
  const { out } = shell;
  const began = performance.now();
  // The training project's own output would drown the table: only warnings and errors show.
  const logger: Logger = { ...shell.logger, info: () => {} };
  const store = localStore(shell.stateDir, { now: shell.now });
  await forgetModel(store, shell.stateDir);
  // The fetches are generated while the database starts; the demo awaits them once it has it.
  const opening = openSourceOf(command, shell.logger, context).then((world) => {
    shell.logger.info(`${world.what} (${elapsed(began)} s)`);
    return world;
  });
  // Awaited below in every case; until then a failure must not count as unhandled.
  opening.catch(() => {});
  let evaluated: { result: DemoResult; status: StatusReport; observations: Observation[] };
  try {
    evaluated = await usingDatabase(
      command,
      { ...context, logger },
      async (db) => {
        const world = await opening;
        const result = await runDemo(
          {
            start: command.start,
            days: command.days,
            project,
            stateDir: shell.stateDir,
            // A day is small: starting parse threads for each day's ingest costs more than they
            // save (measured: about a fifth of the whole run on 2 cores).
            workers: 0,
          },
          {
            db: db.pool,
            databaseUrl: db.url,
            source: world.source,
            store,
            env: shell.env,
            now: shell.now,
            logger,
            onWarmUp: (warmUp) => {
              out(formatWarmUp(warmUp));
              out('');
              out(formatDemoHeader());
            },
            onDay: (day: DemoDay) => out(formatDemoDay(day)),
          },
        );
        const status = { ...(await readStatus(db.pool)), evaluation: [...result.days] };
        const station = result.warmUp.station;
        const end = command.start + command.days * DAY_MS;
        const observations = station ? await recentOzone(db.pool, station, end) : [];
        return { result, status, observations };
      },
      3,
    );
  } finally {
    const world = await opening.catch(() => undefined);
    await world?.stop();
  }
  const { result } = evaluated;
  out('');
  for (const note of formatDemoNotes(result)) out(note);
  if (result.model === undefined) {
    shell.logger.error('no version was published: nothing to serve');
    return 1;
  }
  return serveAndShow(command, shell, { ...evaluated, model: result.model, began });
}

type Observation = HourlyObservation;

/** Starts the Worker and the site, calls the Worker, prints the URLs; serves on unless told to exit. */
async function serveAndShow(
  command: DemoCommand,
  shell: CliShell,
  evaluated: {
    result: DemoResult;
    status: StatusReport;
    observations: Observation[];
    model: string;
    /** When the command began (`performance.now()`). */
    began: number;
  },
): Promise<number> {
  const { out } = shell;
  let phase = performance.now();
  const worker = await serveRegistry({
    stateDir: shell.stateDir,
    port: 0,
    defaultModel: evaluated.model,
    builtAt: new Date(shell.now()).toISOString(),
  });
  shell.logger.info(`started the Worker at ${worker.url.href} (${elapsed(phase)} s)`);
  const observations = forecastInput(
    evaluated.observations,
    worker.defaultModel.features,
    FORECAST_HOURS,
  );
  let site: { url: string; close(): Promise<void> } | undefined;
  try {
    phase = performance.now();
    const siteDir = join(shell.stateDir, DEFAULT_SITE_DIR);
    const built = await buildSite(
      await readRegistry(localStore(shell.stateDir, { now: shell.now })),
      {
        kind: 'read',
        source: `npm start's database in ${shell.stateDir}`,
        report: evaluated.status,
      },
      {
        outDir: siteDir,
        now: shell.now(),
        edgeUrl: worker.url.href.replace(/\/$/, ''),
        logger: shell.logger,
        env: shell.env,
      },
    );
    site = await serveSite(siteDir, 0);
    shell.logger.info(`built the site in ${siteDir} (${elapsed(phase)} s)`);
    out('');
    out(
      `Built the site: ${built.pages.length} pages, ${built.data.models.reduce((n, m) => n + m.versions.length, 0)} versions.`,
    );
    const answers = await callWorker(worker, observations);
    for (const line of answers.lines) out(line);
    out('');
    out(`site:   ${site.url}  (the evaluation: ${site.url}data/#evaluation)`);
    out(`worker: ${worker.url.href}`);
    out('try:');
    out(`  ${await forecastCurl(shell.stateDir, worker.url, evaluated.model, observations)}`);
    for (const line of exampleCurl(worker)) out(`  ${line}`);
    out('');
    out(`The whole life-cycle took ${elapsed(evaluated.began)} s.`);
    const code = evaluated.result.ok && answers.ok ? 0 : 1;
    if (command.exit || !shell.progress.isTTY) return code;
    shell.logger.info('serving until Ctrl-C (npm start -- --exit stops here)');
    const signalled = await abortOnSignals(
      (signal) =>
        new Promise<number>((resolve) =>
          signal.addEventListener('abort', () => resolve(interruptedExitCode(signal) ?? 130), {
            once: true,
          }),
        ),
    );
    return code === 0 ? signalled : code;
  } finally {
    await site?.close();
    await worker.dispose();
  }
}

/**
 * Calls the served model's forecast route with the station's newest hours, and /invocations with a
 * row of the signature's features; one line each.
 */
async function callWorker(
  worker: {
    readonly url: URL;
    readonly defaultModel: { name: string; features: readonly string[] };
  },
  observations: readonly Observation[],
): Promise<{ lines: string[]; ok: boolean }> {
  const { url } = worker;
  const { name: model, features } = worker.defaultModel;
  const lines: string[] = [];
  const forecast = await postJson(new URL(`/models/${model}/forecast`, url), {
    observations,
    horizon: FORECAST_HOURS,
  });
  const hours = (forecast.body as { forecast?: { time: string; value: number }[] }).forecast;
  lines.push(
    forecast.status === 200 && Array.isArray(hours)
      ? `POST /models/${model}/forecast: ${hours.map((h) => `${h.time} ${h.value.toFixed(1)} ppb`).join(', ')}`
      : `POST /models/${model}/forecast answered ${forecast.status}: ${JSON.stringify(forecast.body)}`,
  );
  // One row: the newest observation at every lag, the calendar features at 0.
  const latest = observations.at(-1)?.value ?? 0;
  const invocation = await postJson(new URL('/invocations', url), {
    dataframe_split: {
      columns: features,
      data: [features.map((f) => (/_lag\d+$/.test(f) ? latest : 0))],
    },
  });
  lines.push(`POST /invocations: ${invocation.status} ${JSON.stringify(invocation.body)}`);
  return { lines, ok: forecast.status === 200 && invocation.status === 200 };
}

async function postJson(url: URL, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** Where the example forecast request is written, under the state folder (for `curl -d @FILE`). */
const FORECAST_REQUEST = 'forecast-request.json';

/**
 * Writes the forecast request to a file under the state folder and returns a `curl` line that
 * posts it (a day of hours is too long a line to paste).
 */
async function forecastCurl(
  stateDir: string,
  url: URL,
  model: string,
  observations: readonly Observation[],
): Promise<string> {
  const file = join(stateDir, FORECAST_REQUEST);
  await writeFile(file, `${JSON.stringify({ observations, horizon: FORECAST_HOURS })}\n`);
  const near = relative(process.cwd(), file);
  const path = near.startsWith('..') || isAbsolute(near) ? file : near;
  return `curl -s -X POST ${new URL(`/models/${model}/forecast`, url).href} -H 'Content-Type: application/json' -d @${path}`;
}

/** The station's hourly ozone means of the three days before `end` (the forecast's input is chosen from them). */
async function recentOzone(
  pool: DatabasePool,
  station: string,
  end: number,
): Promise<Observation[]> {
  const [lat, lng] = station.split(',');
  const { rows } = await pool.query<{ hour: Date; value: number }>(
    `SELECT date_trunc('hour', d.datetime, 'UTC') AS hour, avg(d.value)::float8 AS value
     FROM toar.data d
     JOIN toar.timeseries t ON t.id = d.timeseries_id
     JOIN toar.variables v ON v.id = t.variable_id AND v.name = 'o3'
     JOIN toar.stationmeta_core s ON s.id = t.station_id
     WHERE s.lat_key = $1::numeric AND s.lng_key = $2::numeric
       AND (t.averaging_minutes <= 60 OR t.data_origin = 'openaq-archive')
       AND d.flags = 0 AND d.datetime >= $3 AND d.datetime < $4
     GROUP BY 1 ORDER BY 1`,
    [lat, lng, new Date(end - 3 * DAY_MS), new Date(end)],
  );
  return rows.map((r) => ({
    time: r.hour.toISOString().replace(':00.000Z', 'Z'),
    value: Math.round(r.value * 100) / 100,
  }));
}

/**
 * Starts over for the demo's model: its versions and aliases in the local registry are removed, so
 * that `--days N` leaves exactly N versions. Other models are left alone.
 */
async function forgetModel(store: LocalStore, stateDir: string): Promise<void> {
  await rm(join(localRegistryDir(stateDir), DEMO_MODEL), { recursive: true, force: true });
  const aliases = await store.aliases();
  if (aliases[DEMO_MODEL] === undefined) return;
  const { [DEMO_MODEL]: _forgotten, ...others } = aliases;
  await store.setAliases(others);
}

/** What the demo reads, said once it is ready, and how to stop what serves it. */
interface DemoWorld {
  readonly source: Source;
  readonly what: string;
  readonly stop: () => Promise<void>;
}

/**
 * The source the demo ingests: the one `--source` names (in its layout), else a local S3 API server
 * seeded with generated data for the warm-up and every day: fetches, or with `--layout archive` the
 * archive's location-days.
 */
async function openSourceOf(
  command: DemoCommand,
  logger: Logger,
  context: ShellContext,
): Promise<DemoWorld> {
  const wiring = { ...context, logger };
  if (command.source !== undefined) {
    const source = await sourceOf(
      {
        source: command.source,
        anonymous: true,
        layout: command.layout,
        ...(command.locations === undefined ? {} : { locations: command.locations }),
      },
      wiring,
    );
    const data = source.layout === 'archive' ? "the archive's location-days" : 'fetches';
    return { source, what: `reading ${data} from ${command.source}`, stop: async () => {} };
  }
  const server = await startS3Server();
  try {
    if (command.layout === 'archive') {
      const seeded = await seedArchive(server, command);
      const source = await sourceOf(
        {
          source: `s3://${ARCHIVE_BUCKET}/${ARCHIVE_PREFIX}`,
          endpoint: server.endpoint,
          anonymous: true,
          layout: 'archive',
          locations: command.locations ?? { kind: 'ids', ids: seeded.locations },
        },
        wiring,
      );
      return {
        source,
        what: `seeded a local S3 API server at ${server.endpoint} with ${seeded.objects} generated archive objects (${seeded.locations.length} locations, a day each)`,
        stop: () => server.stop(),
      };
    }
    const seeded = await seedFetches(server, command);
    return {
      source: openSource(`s3://${BUCKET}/${PREFIX}`, {
        endpoint: server.endpoint,
        anonymous: true,
        onRetry: (message: string) => logger.warn(message),
      }),
      what: `seeded a local S3 API server at ${server.endpoint} with ${seeded} generated fetches`,
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** What the demo generates: the warm-up and the days, from the first day of the warm-up. */
function generatedSpec(command: DemoCommand) {
  return {
    start: command.start - WARM_UP_DAYS * DAY_MS,
    days: WARM_UP_DAYS + command.days,
    stations: command.stations,
    seed: 1,
  };
}

/** Generates the fetches of the warm-up and the days, and puts them on the server. */
async function seedFetches(server: LocalS3Server, command: DemoCommand): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-demo-'));
  try {
    const generated = await generateFetches({ outDir: dir, ...generatedSpec(command) });
    await server.createBucket(BUCKET);
    const files = (await readdir(generated.dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    const objects: [string, Uint8Array][] = [];
    for (const file of files) {
      const key = PREFIX + relative(generated.dir, file).split(sep).join('/');
      objects.push([key, new Uint8Array(await readFile(file))]);
    }
    await server.seedObjects(BUCKET, objects);
    return objects.length;
  } catch (error) {
    throw seedingFailed(error);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Generates the archive's location-days of the warm-up and the days (the generated stations as
 * locations 1 to N), and puts them on the server, gzipped as OpenAQ's are.
 */
async function seedArchive(
  server: LocalS3Server,
  command: DemoCommand,
): Promise<{ objects: number; locations: number[] }> {
  try {
    await server.createBucket(ARCHIVE_BUCKET);
    const objects: [string, Uint8Array][] = [];
    const locations = new Set<number>();
    for (const object of archiveObjects(generatedSpec(command))) {
      objects.push([ARCHIVE_PREFIX + object.key, new Uint8Array(await gzip(object.text))]);
      locations.add(object.locationId);
    }
    await server.seedObjects(ARCHIVE_BUCKET, objects);
    return { objects: objects.length, locations: [...locations].sort((a, b) => a - b) };
  } catch (error) {
    throw seedingFailed(error);
  }
}

function seedingFailed(error: unknown): FreshetError {
  return new FreshetError(`seeding the local S3 API server failed: ${describeError(error)}`, {
    cause: error,
  });
}
