import type { PlannerOptions } from '../interval/planner.ts';
import type { Interval } from '../interval/types.ts';
import type { LocationsSpec } from '../openaq/locations.ts';
import type { LayoutSetting } from '../openaq/source-url.ts';

/** Where to read fetches from and how. */
export interface SourceOptions {
  /** `s3://bucket/prefix/` or `file:///path/to/realtime-gzipped`. */
  source: string;
  region?: string;
  /** S3-compatible endpoint (path-style requests), e.g. `http://127.0.0.1:4568`. */
  endpoint?: string;
  /** Unsigned S3 requests (public buckets). */
  anonymous?: boolean;
  /** The source's layout (default `auto`: told from its folders). */
  layout?: LayoutSetting;
  /** The archive's locations (required by the archive layout). */
  locations?: LocationsSpec;
  /** An OpenAQ API key, for locations resolved through the API (`--bbox`, `--country`). */
  openaqApiKey?: string;
  /** OpenAQ's API (default `https://api.openaq.org`; tests point it at a local server). */
  openaqApiUrl?: string;
}

/** `freshet ingest` / the ingest action: every 10-minute interval of `[start, end)`. */
export interface IngestOptions {
  /** Aligned to 10 minutes, epoch ms. */
  start: number;
  end: number;
  /** Recorded in `ops.ingest_runs` (the GitHub Actions run URL). */
  runUrl?: string;
  /** Objects read and parsed ahead of the loader at once (default 3, at least `workers`). */
  concurrency?: number;
  /**
   * Threads that parse objects: 0 parses in the loader's thread (the single-threaded path), n ≥ 1
   * on n worker threads while the loader's thread loads. Default: one per core
   * (`os.availableParallelism()`). Results are the same whatever the number.
   */
  workers?: number;
  /**
   * Objects are loaded in groups of about this many lines, one transaction each (default 600,000):
   * larger groups write a measurement repeated by consecutive fetches fewer times.
   */
  groupLines?: number;
  /**
   * Lines per piece of an object (default 250,000, see `parsePieces`): an object with more is
   * parsed and loaded in pieces, never held whole. Smaller in tests, to take that path.
   */
  pieceLines?: number;
  /**
   * Decompressed bytes an object may have (default `DEFAULT_MAX_OBJECT_BYTES`, 2 GiB): a larger one
   * fails with a message naming the `max-object-bytes` setting, having used no more memory than a
   * small one.
   */
  maxObjectBytes?: number;
  /**
   * The most intervals one run takes (default {@link DEFAULT_MAX_INTERVALS}): a longer range is a
   * usage error, to be planned in chunks (a mistyped year would otherwise record a decade of
   * attempts).
   */
  maxIntervals?: number;
  /** How the shell names the settings in messages (default: their names, `source`). */
  labels?: { source?: string; maxIntervals?: string };
}

/** The most intervals a run takes unless told otherwise: about a year (52,560 is 365 days). */
export const DEFAULT_MAX_INTERVALS = 50_000;

/** One object that could not be loaded. */
export interface ObjectFailure {
  key: string;
  /** ISO start of its interval. */
  interval: string;
  error: string;
}

/** The result of an ingest, as `--json` prints it (failures are extra, for summaries). */
export interface IngestReport {
  intervals: number;
  objects: number;
  objects_skipped: number;
  objects_failed: number;
  /**
   * Fetch objects filed under another date folder than their fetch time's UTC date: counted, not
   * ingested (no interval lists them; see the README's "What happens to a record").
   */
  objects_misfiled: number;
  /**
   * Archive objects whose ETag is the one they were loaded from: not read again (counted in
   * `objects` too, which counts every selected object found).
   */
  objects_unchanged: number;
  lines: number;
  accepted: number;
  rejected: Record<string, number>;
  stations_created: number;
  series_created: number;
  rows_inserted: number;
  rows_updated: number;
  seconds: number;
  failures: ObjectFailure[];
  /**
   * Why the run stopped before the end of its range (a signal, the database lost); absent when it
   * ran to the end. The attempts it had started are recorded as failed with this reason.
   */
  stopped?: string;
}

/**
 * `freshet plan` / the plan action: the planner's options (see {@link PlannerOptions}) but the rules
 * version, which is the running code's.
 */
export type PlanOptions = Omit<PlannerOptions, 'rulesVersion' | 'emptyRetryMs'> & {
  /**
   * The layout planned for (default `realtime`): the archive's intervals are days, settled 72 hours,
   * and a scheduled run re-reads the last `rereadMs` of them.
   */
  layout?: 'realtime' | 'archive';
  /** Only the attempts of this source count (the watermark is kept per source and layout). */
  source?: string;
  /** Archive: the days a scheduled run reads again (default 14 days). */
  rereadMs?: number;
};

/** The matrix the workflow fans out over. */
export interface PlanMatrix {
  include: { start: string; end: string }[];
}

export type { Interval };

/** What a shell reads for an ingest: where the fetches are, which database, and the run's options. */
export interface IngestSettings extends IngestOptions, SourceOptions {
  /** Omitted: the embedded database under the state folder. */
  databaseUrl?: string;
}

/** What a shell reads for a plan: the planner's options and which database. */
export type PlanSettings = PlanOptions & {
  /** Omitted: the embedded database under the state folder. */
  databaseUrl?: string;
};
