// `freshet ingest` and the ingest action: what to ingest, from where, into which database.

import { UsageError } from '../errors.ts';
import {
  DEFAULT_INGEST_CONCURRENCY,
  DEFAULT_MAX_OBJECT_BYTES,
  MAX_OBJECT_BYTES_SETTING,
} from '../ingest/index.ts';
import { DEFAULT_MAX_INTERVALS } from '../ingest/types.ts';
import { parseAlignedInstant } from '../interval/instant.ts';
import { type LocationsSpec, parseLocations } from '../openaq/locations.ts';
import { parseBbox, parseCountry } from '../openaq/locations-api.ts';
import {
  DEFAULT_S3_REGION,
  DEFAULT_SOURCE,
  LAYOUT_SETTINGS,
  type LayoutSetting,
  parseEndpointUrl,
  parseSourceUrl,
} from '../openaq/source-url.ts';
import { DATABASE_URL, jsonSwitch } from './common.ts';
import { parseBoolean, parseText, wholeNumber } from './parsers.ts';
import type { OrderRule, Setting } from './setting.ts';

/**
 * The most objects read and parsed ahead of the loader. Each one in flight holds its parsed records
 * (a real fetch: about 56,000) until the single loader takes it, so more only costs memory: the
 * loader, not reading, is the limit. The command line (16) and the action (32) used to differ.
 */
export const MAX_INGEST_CONCURRENCY = 16;

/** More parse threads than this only adds memory: the loader takes one group at a time. */
export const MAX_INGEST_WORKERS = 16;

/** The ingest settings, in action.yml's order. */
export const INGEST = {
  start: {
    name: 'start',
    help: "first interval's start, aligned to 10 minutes (e.g. 2014-01-01T00:00Z)",
    placeholder: 'ISO',
    parse: parseAlignedInstant,
    cli: { flag: 'start', required: true },
    action: {
      input: 'start',
      description:
        "Start of the chunk, an ISO 8601 instant aligned to 10 minutes (the plan matrix's `start`).",
      required: true,
    },
  },
  end: {
    name: 'end',
    help: 'end of the range (exclusive), aligned to 10 minutes',
    placeholder: 'ISO',
    parse: parseAlignedInstant,
    cli: { flag: 'end', required: true },
    action: {
      input: 'end',
      description: "End of the chunk (exclusive), aligned to 10 minutes (the plan matrix's `end`).",
      required: true,
    },
  },
  source: {
    name: 'source',
    help: "where the objects are: s3://bucket/prefix/ or file:///path (default: OpenAQ's archive)",
    placeholder: 'URL',
    default: DEFAULT_SOURCE,
    parse: parseSourceUrl,
    cli: { flag: 'source', env: 'FRESHET_SOURCE' },
    action: {
      input: 'source',
      description:
        'Where the objects are: s3://bucket/prefix/ or file:///path/, with the archive layout ' +
        "(locationid= folders) or the real-time one (YYYY-MM-DD folders). Defaults to OpenAQ's public archive.",
    },
  },
  databaseUrl: DATABASE_URL,
  region: {
    name: 'region',
    help: "the S3 bucket's region",
    placeholder: 'R',
    default: DEFAULT_S3_REGION,
    parse: parseText,
    cli: { flag: 'region' },
    action: { input: 'region', description: "The S3 bucket's region." },
  },
  endpoint: {
    name: 'endpoint',
    help: 'an S3-compatible endpoint (path-style requests), e.g. a mirror or a local server',
    placeholder: 'URL',
    parse: parseEndpointUrl,
    cli: { flag: 'endpoint' },
    action: {
      input: 'endpoint',
      description:
        'An S3-compatible endpoint (path-style requests), e.g. http://127.0.0.1:4568. Empty for AWS.',
    },
  },
  anonymous: {
    name: 'anonymous',
    help: 'unsigned S3 requests (public buckets); else the usual AWS credentials',
    default: 'false',
    parse: parseBoolean,
    cli: { flag: 'anonymous' },
    action: {
      input: 'anonymous',
      description:
        'Send unsigned S3 requests (a public bucket); false to use the AWS credentials of the job.',
      // A workflow has no AWS credentials unless it sets them up, and the default source is a
      // public bucket; a person at a terminal usually has credentials, and a switch cannot be
      // turned off.
      default: 'true',
    },
  },
  concurrency: {
    name: 'concurrency',
    help: `objects read and parsed ahead of the loader at once (1 to ${MAX_INGEST_CONCURRENCY})`,
    placeholder: 'N',
    default: String(DEFAULT_INGEST_CONCURRENCY),
    parse: wholeNumber({ min: 1, max: MAX_INGEST_CONCURRENCY }),
    cli: { flag: 'concurrency' },
    action: {
      input: 'concurrency',
      description: `Objects read and parsed ahead of the loader at once (1 to ${MAX_INGEST_CONCURRENCY}).`,
    },
  },
  workers: {
    name: 'workers',
    help: `threads that parse objects beside the loader (0: parse in the loader's thread; at most ${MAX_INGEST_WORKERS})`,
    placeholder: 'N',
    otherwise: 'one per core',
    parse: wholeNumber({ min: 0, max: MAX_INGEST_WORKERS }),
    cli: { flag: 'workers' },
    action: {
      input: 'workers',
      description: `Threads that parse objects beside the loader (0 to ${MAX_INGEST_WORKERS}); empty: one per core of the runner.`,
    },
  },
  json: jsonSwitch('print the counts as one JSON object on the last line of stdout'),
  maxObjectBytes: {
    name: MAX_OBJECT_BYTES_SETTING,
    help: 'the most bytes an object may have once decompressed; a larger one fails (default 2 GiB)',
    placeholder: 'BYTES',
    default: String(DEFAULT_MAX_OBJECT_BYTES),
    parse: wholeNumber({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    cli: { flag: MAX_OBJECT_BYTES_SETTING },
    action: {
      input: MAX_OBJECT_BYTES_SETTING,
      description:
        'The most bytes an object may have once decompressed (default 2147483648, 2 GiB): a larger ' +
        'one fails, naming this setting, instead of filling the memory.',
    },
  },
  maxIntervals: {
    name: 'max-intervals',
    help: 'the most 10-minute intervals one run takes (a longer range: plan it in chunks)',
    placeholder: 'N',
    default: String(DEFAULT_MAX_INTERVALS),
    parse: wholeNumber({ min: 1, max: 10_000_000 }),
    cli: { flag: 'max-intervals' },
    action: {
      input: 'max-intervals',
      description:
        'The most 10-minute intervals one run takes; a longer range fails before anything is recorded (plan it in chunks).',
    },
  },
  layout: {
    name: 'layout',
    help: "the source's layout: auto (from its folders), realtime (YYYY-MM-DD/ fetches) or archive (locationid=/ days)",
    placeholder: 'L',
    default: 'auto',
    parse: parseLayout,
    cli: { flag: 'layout', env: 'FRESHET_LAYOUT' },
    action: {
      input: 'layout',
      description:
        "The source's layout: auto (told from its folders), realtime (YYYY-MM-DD folders of fetches, " +
        "10-minute intervals) or archive (OpenAQ's locationid= folders, one object per location and day; " +
        'intervals are UTC days).',
    },
  },
  locations: {
    name: 'locations',
    help: 'archive locations: ids (2178,8118), @file (one id per line, # comments) or all',
    placeholder: 'IDS',
    otherwise: 'none (needed by the archive layout)',
    parse: parseLocations,
    cli: { flag: 'locations', env: 'FRESHET_LOCATIONS' },
    action: {
      input: 'locations',
      description:
        'Which archive locations to ingest: OpenAQ location ids (2178,8118), @file (a file of the ' +
        'repository, one id per line, # comments) or all (every locationid= folder, listed once a day).',
    },
  },
  bbox: {
    name: 'bbox',
    help: "archive locations in a box, minLon,minLat,maxLon,maxLat, from OpenAQ's API (needs OPENAQ_API_KEY)",
    placeholder: 'BOX',
    parse: parseBbox,
    cli: { flag: 'bbox' },
    action: {
      input: 'bbox',
      description:
        "Archive locations in a bounding box, minLon,minLat,maxLon,maxLat, resolved through OpenAQ's API v3 (needs openaq-api-key).",
    },
  },
  country: {
    name: 'country',
    help: "archive locations of a country (ISO code, e.g. US), from OpenAQ's API (needs OPENAQ_API_KEY)",
    placeholder: 'ISO',
    parse: parseCountry,
    cli: { flag: 'country' },
    action: {
      input: 'country',
      description:
        "Archive locations of a country (ISO 3166-1 alpha-2, e.g. US), resolved through OpenAQ's API v3 (needs openaq-api-key).",
    },
  },
  openaqApiKey: {
    name: 'openaq-api-key',
    help: 'an OpenAQ API key, for --bbox and --country (better given as OPENAQ_API_KEY)',
    placeholder: 'KEY',
    parse: parseText,
    cli: { flag: 'openaq-api-key', env: 'OPENAQ_API_KEY' },
    action: {
      input: 'openaq-api-key',
      description:
        'An OpenAQ API key (secrets.OPENAQ_API_KEY), for bbox and country. Masked in logs.',
    },
  },
} as const satisfies Record<string, Setting<unknown>>;

/** Reads `--layout`. */
function parseLayout(text: string, label: string): LayoutSetting {
  const layout = LAYOUT_SETTINGS.find((l) => l === text.trim());
  if (layout === undefined) {
    throw new UsageError(
      `${label} ${JSON.stringify(text)} is not one of ${LAYOUT_SETTINGS.join(', ')}`,
    );
  }
  return layout;
}

/** A chunk ends after it starts. */
export const INGEST_ORDER: OrderRule = {
  later: INGEST.end,
  earlier: INGEST.start,
  why: 'a chunk holds at least one interval',
};

/**
 * The locations the settings select: `--locations`, or `--bbox`/`--country` (through OpenAQ's
 * API), not both; a conflict is added to `problems`.
 *
 * @example locationsOf(undefined, undefined, 'US', report) // { kind: 'api', query: { country: 'US' } }
 */
export function locationsOf(
  locations: LocationsSpec | undefined,
  bbox: [number, number, number, number] | undefined,
  country: string | undefined,
  problem: (message: string) => void,
): LocationsSpec | undefined {
  if (bbox === undefined && country === undefined) return locations;
  if (locations !== undefined) {
    problem('give locations, or bbox and country, not both');
    return locations;
  }
  return {
    kind: 'api',
    query: { ...(bbox ? { bbox } : {}), ...(country ? { country } : {}) },
  };
}
