import { isBlank, splitLines } from '../openaq/lines.ts';
import { objectBytes } from '../openaq/object-stream.ts';
import { evaluateLine } from '../openaq/rules.ts';
import { ObjectBatch } from '../toar/object-batch.ts';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * gunzip → lines → rules → batch. Every non-blank line ends up accepted or rejected with its
 * reason; a corrupt or truncated gzip throws (naming the object) and nothing of it is kept.
 *
 * @example
 * const batch = await parseObject(bytes, { key, fetchedAt }, interval.start);
 * batch.accepted + batch.rejected === batch.lines; // true
 */
export async function parseObject(
  bytes: Uint8Array,
  object: { key: string; fetchedAt: number },
  intervalStart: number,
): Promise<ObjectBatch> {
  const batch = new ObjectBatch(object.key, object.fetchedAt, intervalStart);
  // The body is in memory already: gunzipped in one call, not streamed in small chunks.
  for await (const lines of splitLines(once(objectBytes(bytes, object.key)))) {
    for (const line of lines) {
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
