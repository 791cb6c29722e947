// The settings of the commands only the command line has: status, db migrate, generate-fetches,
// demo, runs and runs compare.
import { parseAlignedInstant } from '../interval/instant.ts';
import { parseRunFilter } from '../training/run/runs.ts';
import { DATABASE_URL, jsonSwitch } from './common.ts';
import { parseText, wholeNumber } from './parsers.ts';
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
    help: 'days of fetches from 2014-01-01, ingested and trained on day by day (1 to 366)',
    placeholder: 'N',
    default: '10',
    parse: wholeNumber({ min: 1, max: 366 }),
    cli: { flag: 'days' },
  },
  stations: {
    name: 'stations',
    help: 'how many stations (1 to 10000)',
    placeholder: 'N',
    default: '50',
    parse: wholeNumber({ min: 1, max: 10_000 }),
    cli: { flag: 'stations' },
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
