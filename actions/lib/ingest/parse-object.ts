import { isBlank, openObjectStream, splitLines } from '../openaq/lines.ts';
import { evaluateLine } from '../openaq/rules.ts';
import { ObjectBatch } from '../toar/object-batch.ts';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * gunzip → lines → rules → COPY text. Every non-blank line ends up accepted or rejected with its
 * reason; a corrupt or truncated gzip throws (naming the object) and nothing of it is kept.
 */
export async function parseObject(
  bytes: Uint8Array,
  object: { key: string; fetchedAt: number },
  intervalStart: number,
): Promise<ObjectBatch> {
  const batch = new ObjectBatch(object.key, object.fetchedAt, intervalStart);
  for await (const lines of splitLines(openObjectStream(once(bytes), object.key))) {
    for (const line of lines) {
      if (isBlank(line.text)) continue;
      const outcome = evaluateLine(line);
      if (outcome.kind === 'accepted') {
        const m = outcome.measurement;
        batch.addRecord({
          latKey: m.latKey,
          lngKey: m.lngKey,
          lat: m.lat,
          lng: m.lng,
          location: m.location,
          city: m.city,
          country: m.country,
          variable: m.variable,
          averagingMinutes: m.averagingMinutes,
          time: m.time,
          value: m.value,
          flags: m.flags,
          line: line.number,
        });
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
