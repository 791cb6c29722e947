// The settings of the commands only the command line has: status, db migrate, generate-fetches,
// demo, runs and runs compare.
import { parseAlignedInstant } from '../interval/instant.ts';
import { parseSourceUrl } from '../openaq/source-url.ts';
import { parseRunFilter } from '../training/run/runs.ts';
import { DATABASE_URL, jsonSwitch } from './common.ts';
import { INGEST } from './ingest.ts';
import { parseBoolean, parseText, wholeNumber } from './parsers.ts';
import type { Setting } from './setting.ts';

/** `freshet status`. */
export const STATUS = {
  json: jsonSwitch('print the status as one JSON object'),
  databaseUrl: DATABASE_URL,
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet db migrate`. */
export const MIGRATE = { databaseUrl: DATABASE_URL } as const satisfies Record<
  string,
  Setting<unknown>
>;

/** Stations of `npm start`'s generated fetches: enough to choose from, few enough for 2 minutes. */
export const DEMO_STATIONS = 10;

/** `freshet generate-fetches`: synthetic fetch files for demos and benchmarks. */
export const GENERATE_FETCHES = {
  out: {
    name: 'out',
    help: 'the folder to write DIR/realtime-gzipped/ into',
    placeholder: 'DIR',
    parse: parseText,
    cli: { flag: 'out', required: true },
  },
  start: {
    name: 'start',
    help: 'the first day, aligned to 10 minutes (e.g. 2014-01-01)',
    placeholder: 'ISO',
    parse: parseAlignedInstant,
    cli: { flag: 'start', required: true },
  },
  days: {
    name: 'days',
    help: 'how many days of fetches, one object per 10 minutes (1 to 3660: ten years)',
    placeholder: 'N',
    parse: wholeNumber({ min: 1, max: 3660 }),
    cli: { flag: 'days', required: true },
  },
  stations: {
    name: 'stations',
    help: 'how many stations (1 to 100000)',
    placeholder: 'N',
    default: '50',
    parse: wholeNumber({ min: 1, max: 100_000 }),
    cli: { flag: 'stations' },
  },
  seed: {
    name: 'seed',
    help: 'the seed the files are a function of',
    placeholder: 'S',
    default: '1',
    parse: wholeNumber({ min: 0, max: 2 ** 31 - 1 }),
    cli: { flag: 'seed' },
  },
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet demo`: what `npm start` runs. */
export const DEMO = {
  days: {
    name: 'days',
    help: 'days in the table, ingested, trained on, published and promoted one by one (1 to 366)',
    placeholder: 'N',
    default: '10',
    parse: wholeNumber({ min: 1, max: 366 }),
    cli: { flag: 'days' },
  },
  start: {
    name: 'start',
    help: "the table's first day (00:00 UTC); a warm-up week before it is ingested first",
    placeholder: 'DAY',
    default: '2014-01-01',
    parse: parseAlignedInstant,
    cli: { flag: 'start' },
  },
  stations: {
    name: 'stations',
    help: 'how many stations the generated data has (1 to 10000): with --layout archive, locations 1 to N',
    placeholder: 'N',
    default: String(DEMO_STATIONS),
    parse: wholeNumber({ min: 1, max: 10_000 }),
    cli: { flag: 'stations' },
  },
  source: {
    name: 'source',
    help:
      "real data instead of generated: s3://bucket/prefix/ (read anonymously: OpenAQ's archive " +
      's3://openaq-data-archive/records/csv.gz/ with --locations, or a mirror of the real-time fetches) or file:///path/',
    placeholder: 'URL',
    otherwise: 'data generated onto a local S3 API server',
    parse: parseSourceUrl,
    cli: { flag: 'source' },
  },
  layout: {
    name: INGEST.layout.name,
    help:
      'realtime (fetches every 10 minutes), archive (one object per location and day, the ' +
      'locations --locations names) or auto (told from the folders of --source; generated: realtime)',
    placeholder: INGEST.layout.placeholder,
    default: 'auto',
    parse: INGEST.layout.parse,
    cli: { flag: 'layout' },
  },
  locations: {
    name: INGEST.locations.name,
    help: 'the archive locations ingested: ids (2178,8118), @file (one id per line) or all',
    placeholder: INGEST.locations.placeholder,
    otherwise: 'all the generated ones; with --source none, which the archive layout refuses',
    parse: INGEST.locations.parse,
    cli: { flag: 'locations' },
  },
  exit: {
    name: 'exit',
    help: 'stop the servers and exit at the end (for scripts and CI)',
    default: 'false',
    parse: parseBoolean,
    cli: { flag: 'exit' },
  },
  databaseUrl: DATABASE_URL,
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet runs`: the recorded training runs. */
export const RUNS = {
  experiment: {
    name: 'experiment',
    help: 'only runs of this project',
    placeholder: 'NAME',
    parse: parseText,
    cli: { flag: 'experiment' },
  },
  filter: {
    name: 'filter',
    help:
      'conditions joined by "and": metric<op>number with < <= > >= = != (rmse<5, ' +
      'metrics.r2>=0.8), tag.name=value, param.name=value (= or !=, values may be quoted), ' +
      'status=failed; e.g. --filter "rmse<5 and tag.trigger=push"',
    placeholder: 'EXPR',
    parse: (text) => parseRunFilter(text),
    cli: { flag: 'filter' },
  },
  limit: {
    name: 'limit',
    help: 'at most N runs (1 to 10000)',
    placeholder: 'N',
    default: '50',
    parse: wholeNumber({ min: 1, max: 10_000 }),
    cli: { flag: 'limit' },
  },
  json: jsonSwitch('one JSON array of runs'),
  databaseUrl: DATABASE_URL,
} as const satisfies Record<string, Setting<unknown>>;

/** `freshet runs compare RUN_A RUN_B`. */
export const RUNS_COMPARE = {
  json: jsonSwitch('the comparison as JSON'),
  databaseUrl: DATABASE_URL,
} as const satisfies Record<string, Setting<unknown>>;
