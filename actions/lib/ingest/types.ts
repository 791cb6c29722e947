import type { Interval, ReprocessMode } from '../interval/types.ts';

/** Where to read fetches from and how. */
export interface SourceOptions {
  /** `s3://bucket/prefix/` or `file:///path/to/realtime-gzipped`. */
  source: string;
  region?: string;
  /** S3-compatible endpoint (path-style requests), e.g. `http://127.0.0.1:4568`. */
  endpoint?: string;
  /** Unsigned S3 requests (public buckets). */
  anonymous?: boolean;
}

/** `freshet ingest` / the ingest action: every 10-minute interval of `[start, end)`. */
export interface IngestOptions extends SourceOptions {
  /** Aligned to 10 minutes, epoch ms. */
  start: number;
  end: number;
  /** Omitted: the command line's embedded database. */
  databaseUrl?: string;
  /** Recorded in `ops.ingest_runs` (the GitHub Actions run URL). */
  runUrl?: string;
  /** Objects loaded at once (default 3). */
  concurrency?: number;
}

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
  lines: number;
  accepted: number;
  rejected: Record<string, number>;
  stations_created: number;
  series_created: number;
  rows_inserted: number;
  rows_updated: number;
  seconds: number;
  failures: ObjectFailure[];
}

/** `freshet plan` / the plan action. */
export interface PlanOptions {
  databaseUrl?: string;
  /** Start of the catch-up (FRESHET_START) or of a backfill, epoch ms aligned. */
  since: number;
  /** End of a backfill (exclusive); omitted for scheduled runs. */
  until?: number;
  /** Chunk length in ms (multiple of 10 minutes). */
  chunkMs: number;
  reprocess: ReprocessMode;
  maxChunks: number;
  /** Settle delay in ms (default 30 minutes). */
  settleMs: number;
  /** The clock (epoch ms); tests and backfills pass it explicitly. */
  now: number;
}

/** The matrix the workflow fans out over. */
export interface PlanMatrix {
  include: { start: string; end: string }[];
}

export type { Interval };
