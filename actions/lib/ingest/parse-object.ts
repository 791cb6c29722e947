import {
  checkArchiveHeader,
  evaluateArchiveLine,
  isBlankArchiveLine,
} from '../openaq/archive-rules.ts';
import { isBlank, KEPT_LINE_BYTES, MAX_LINE_BYTES, splitLines } from '../openaq/lines.ts';
import { openObjectStream } from '../openaq/object-stream.ts';
import { evaluateLine } from '../openaq/rules.ts';
import type { SourceLine } from '../openaq/types.ts';
import { ObjectBatch } from '../toar/object-batch.ts';

/** The setting that caps an object's decompressed size (CLI flag and action input). */
export const MAX_OBJECT_BYTES_SETTING = 'max-object-bytes';

/** An object's decompressed size cap unless told otherwise: 2 GiB. */
export const DEFAULT_MAX_OBJECT_BYTES = 2 ** 31;

/** Why a line was not read at all (DESIGN.md's length rule, before the record rules). */
export const LINE_TOO_LONG = 'line-too-long';

/** What a parse may take of an object. */
export interface ParseLimits {
  /** Decompressed bytes an object may have; past them the object fails (see {@link MAX_OBJECT_BYTES_SETTING}). */
  maxObjectBytes: number;
  /**
   * Lines per piece: an object with more is handed over in pieces of this many lines (or of
   * {@link ParseLimits.pieceBytes}), so that no object is ever held whole. Default
   * {@link DEFAULT_PIECE_LINES}.
   */
  pieceLines?: number;
  /** Estimated memory per piece (see {@link ObjectBatch.estimatedBytes}). Default {@link DEFAULT_PIECE_BYTES}. */
  pieceBytes?: number;
}

/** Lines per piece unless told otherwise: a real fetch (about 56k lines) is one piece. */
export const DEFAULT_PIECE_LINES = 250_000;
/**
 * Memory per piece unless told otherwise: 24 MiB. A real fetch (about 56k lines, a fifth of them
 * rejected) is about 10 MiB and must stay one piece: an object of several pieces loads alone, and
 * real fetches gain most from being loaded in groups (with 8 MiB, every one was split, and the
 * real-data ingest took twice as long).
 */
export const DEFAULT_PIECE_BYTES = 24 * 1024 * 1024;

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** The object a parse is about, as the rules and the loader need it. */
export interface ParseObject {
  key: string;
  /** Real-time: the fetch time (the name's number); archive: the object's LastModified. Epoch ms. */
  fetchedAt: number;
  /** Set for an object of the archive layout: its key's date (00:00 UTC, epoch ms). */
  archiveDay?: number | undefined;
  /** The ETag the object was read with, recorded with it (archive re-exports are told apart by it). */
  etag?: string | undefined;
  /** The rules version of this parse, recorded with the object. */
  rulesVersion?: number | undefined;
}

/** Evaluates one line into `batch`, by the object's layout. */
type LineEvaluator = (batch: ObjectBatch, line: SourceLine) => void;

function addRejected(
  batch: ObjectBatch,
  line: SourceLine,
  outcome: { reason: string; message: string },
): void {
  batch.addRejection({
    line: line.number,
    reason: outcome.reason,
    message: outcome.message,
    raw: line.text,
  });
}

/** DESIGN.md's real-time table, over one NDJSON line. */
function realtimeEvaluator(fetchedAt: number): LineEvaluator {
  return (batch, line) => {
    if (isBlank(line.text)) return;
    const outcome = evaluateLine(line, fetchedAt);
    // The measurement has every field a record needs: added as it is, not copied.
    if (outcome.kind === 'accepted') batch.addAccepted(outcome.measurement, line.number);
    else addRejected(batch, line, outcome);
  };
}

/**
 * DESIGN.md's archive table, over one CSV line: the first line is the header (checked, never
 * counted); the series of a record is its sensor, carried in the batch's `minutes` column.
 */
function archiveEvaluator(key: string, day: number): LineEvaluator & { finish(): void } {
  let headerSeen = false;
  const evaluate = (batch: ObjectBatch, line: SourceLine) => {
    if (!headerSeen) {
      checkArchiveHeader(line.overLength === undefined ? line.text : `${line.text}…`, key);
      headerSeen = true;
      return;
    }
    if (isBlankArchiveLine(line.text)) return;
    const outcome = evaluateArchiveLine(line, day);
    if (outcome.kind === 'accepted') {
      const m = outcome.measurement;
      batch.addAccepted({ ...m, averagingMinutes: m.sensorId }, line.number);
    } else {
      addRejected(batch, line, outcome);
    }
  };
  return Object.assign(evaluate, {
    finish: () => {
      if (!headerSeen) checkArchiveHeader(undefined, key);
    },
  });
}

/** An empty batch of the object (one per piece). */
function newBatch(object: ParseObject, intervalStart: number): ObjectBatch {
  const batch = new ObjectBatch(object.key, object.fetchedAt, intervalStart);
  batch.archive = object.archiveDay !== undefined;
  batch.etag = object.etag ?? null;
  batch.rulesVersion = object.rulesVersion ?? null;
  return batch;
}

/**
 * gunzip → lines → rules → batches, streaming: the object is inflated a chunk at a time and split as
 * it comes, and its rows are handed over in pieces (consecutive lines, numbered as in the object)
 * of at most `limits.pieceLines` lines or about `limits.pieceBytes` of memory; an object that fits
 * in one (every real fetch) is one piece, an empty one too. Nothing is read ahead of the piece being
 * filled: a consumer that takes pieces slowly slows the reading. Every non-blank line ends up
 * accepted or rejected with its reason (a line over 1 MiB as `line-too-long`, its first 4 KB
 * kept); a corrupt or truncated gzip, or an object larger than `limits.maxObjectBytes` once
 * decompressed, throws (naming the object) after the pieces before it: their consumer must
 * discard them.
 *
 * @example
 * for await (const piece of parsePieces(source.read(object), object, interval.start, limits)) stage(piece);
 */
export async function* parsePieces(
  body: AsyncIterable<Uint8Array>,
  object: ParseObject,
  intervalStart: number,
  limits: ParseLimits,
): AsyncGenerator<ObjectBatch> {
  const pieceLines = limits.pieceLines ?? DEFAULT_PIECE_LINES;
  const pieceBytes = limits.pieceBytes ?? DEFAULT_PIECE_BYTES;
  const archive =
    object.archiveDay === undefined ? undefined : archiveEvaluator(object.key, object.archiveDay);
  const evaluate = archive ?? realtimeEvaluator(object.fetchedAt);
  let batch = newBatch(object, intervalStart);
  const bytes = openObjectStream(body, object.key, {
    maxBytes: limits.maxObjectBytes,
    setting: MAX_OBJECT_BYTES_SETTING,
  });
  for await (const lines of splitLines(bytes)) {
    for (const line of lines) {
      if (batch.lines >= pieceLines || batch.estimatedBytes() >= pieceBytes) {
        yield batch;
        batch = newBatch(object, intervalStart);
      }
      if (line.overLength !== undefined && (archive === undefined || line.number > 1)) {
        batch.addRejection({
          line: line.number,
          reason: LINE_TOO_LONG,
          message: `line of ${line.overLength} bytes, longer than ${MAX_LINE_BYTES} (its first ${KEPT_LINE_BYTES} bytes kept)`,
          raw: line.text,
        });
        continue;
      }
      evaluate(batch, line);
    }
  }
  archive?.finish();
  yield batch;
}

/**
 * An object's bytes, parsed whole into one batch (see {@link parsePieces}, without its pieces): for
 * benchmarks and tests that hold objects in memory anyway.
 *
 * @example
 * const batch = await parseObject(bytes, { key, fetchedAt }, interval.start, { maxObjectBytes: 2 ** 31 });
 * batch.accepted + batch.rejected === batch.lines; // true
 */
export async function parseObject(
  bytes: Uint8Array,
  object: ParseObject,
  intervalStart: number,
  limits: ParseLimits,
): Promise<ObjectBatch> {
  const whole = {
    ...limits,
    pieceLines: Number.POSITIVE_INFINITY,
    pieceBytes: Number.POSITIVE_INFINITY,
  };
  let batch: ObjectBatch | undefined;
  for await (const piece of parsePieces(once(bytes), object, intervalStart, whole)) batch = piece;
  if (batch === undefined) throw new Error('parsePieces yields at least one piece');
  return batch;
}
