import { isBlank, KEPT_LINE_BYTES, MAX_LINE_BYTES, splitLines } from '../openaq/lines.ts';
import { openObjectStream } from '../openaq/object-stream.ts';
import { evaluateLine } from '../openaq/rules.ts';
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
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * gunzip → lines → rules → batch, streaming: the object is inflated a chunk at a time and split as
 * it comes, so what it holds is its batch, never its decompressed text. Every non-blank line ends
 * up accepted or rejected with its reason (a line over 1 MiB as `line-too-long`, its first 4 KB
 * kept); a corrupt or truncated gzip, or an object larger than `limits.maxObjectBytes` once
 * decompressed, throws (naming the object) and nothing of it is kept.
 *
 * @example
 * const batch = await parseObject(bytes, { key, fetchedAt }, interval.start, { maxObjectBytes: 2 ** 31 });
 * batch.accepted + batch.rejected === batch.lines; // true
 */
export async function parseObject(
  bytes: Uint8Array,
  object: { key: string; fetchedAt: number },
  intervalStart: number,
  limits: ParseLimits,
): Promise<ObjectBatch> {
  const batch = new ObjectBatch(object.key, object.fetchedAt, intervalStart);
  const body = openObjectStream(once(bytes), object.key, {
    maxBytes: limits.maxObjectBytes,
    setting: MAX_OBJECT_BYTES_SETTING,
  });
  for await (const lines of splitLines(body)) {
    for (const line of lines) {
      if (line.overLength !== undefined) {
        batch.addRejection({
          line: line.number,
          reason: LINE_TOO_LONG,
          message: `line of ${line.overLength} bytes, longer than ${MAX_LINE_BYTES} (its first ${KEPT_LINE_BYTES} bytes kept)`,
          raw: line.text,
        });
        continue;
      }
      if (isBlank(line.text)) continue;
      const outcome = evaluateLine(line, object.fetchedAt);
      if (outcome.kind === 'accepted') {
        // The measurement has every field a record needs: added as it is, not copied.
        batch.addAccepted(outcome.measurement, line.number);
      } else {
        batch.addRejection({
          line: line.number,
          reason: outcome.reason,
          message: outcome.message,
          raw: line.text,
        });
      }
    }
  }
  return batch;
}
