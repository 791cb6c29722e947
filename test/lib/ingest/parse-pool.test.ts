import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../actions/lib/errors.ts';
import { DEFAULT_MAX_OBJECT_BYTES } from '../../../actions/lib/ingest/parse-object.ts';
import {
  type ObjectParser,
  openParser,
  threadParser,
  workerParser,
} from '../../../actions/lib/ingest/parse-pool.ts';
import { groupTexts } from '../../../actions/lib/toar/group-texts.ts';
import type { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { bodyOf } from '../../support/bytes.ts';
import { defined } from '../../support/defined.ts';

const T = Date.parse('2018-06-07T00:00:00Z');
const LIMITS = { maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES };

/** An object's text: `n` records over a few stations, some rejected, a blank line and a bad one. */
function fetchText(n: number, seed = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        date: { utc: new Date(T - (i % 24) * 3_600_000).toISOString() },
        parameter: ['o3', 'no2', 'pm25', 'pm1'][i % 4],
        value: (i * 7 + seed) % 50,
        unit: i % 4 === 2 ? 'µg/m³' : 'ppm',
        location: `Station ${i % 5}`,
        city: 'Town\tWith tab',
        country: 'XX',
        coordinates: { latitude: 10 + (i % 5) * 0.00005, longitude: -3.00005 * (i % 3) },
      }),
    );
    if (i === 3) lines.push('', '{"broken"');
  }
  return `${lines.join('\n')}\n`;
}

/** Everything a batch holds, as comparable data. */
function contentOf(batch: ObjectBatch) {
  const { key, fetchedAt, intervalStart, lines, accepted, rejected, rejectedByReason } = batch;
  return {
    key,
    fetchedAt,
    intervalStart,
    lines,
    accepted,
    rejected,
    rejectedByReason,
    stations: batch.stations,
    texts: groupTexts([batch]),
  };
}

/** The object's pieces, parsed from `bytes` sent as one chunk. */
async function piecesOf(
  parser: ObjectParser,
  bytes: Uint8Array,
  object: { key: string; fetchedAt: number },
): Promise<ObjectBatch[]> {
  const pieces: ObjectBatch[] = [];
  for await (const piece of parser.parse(bodyOf(bytes), object, T)) pieces.push(piece);
  return pieces;
}

/** The object's one piece (an object of a few thousand lines is one). */
async function parseOne(
  parser: ObjectParser,
  bytes: Uint8Array,
  object: { key: string; fetchedAt: number },
): Promise<ObjectBatch> {
  const pieces = await piecesOf(parser, bytes, object);
  expect(pieces).toHaveLength(1);
  return defined(pieces[0], 'the piece');
}

const parsers: ObjectParser[] = [];
function track(parser: ObjectParser): ObjectParser {
  parsers.push(parser);
  return parser;
}
afterEach(async () => {
  await Promise.all(parsers.splice(0).map((p) => p.close()));
});

describe('parsing on worker threads', () => {
  it('gives exactly the batches the calling thread gives', async () => {
    const objects = [0, 1, 2, 3].map((i) => ({
      key: `2018-06-07/${T / 1000 + i}.ndjson.gz`,
      fetchedAt: T + i * 1000,
      bytes: gzipSync(fetchText(500 + i * 100, i)),
    }));
    const inThread = threadParser(LIMITS);
    const workers = track(workerParser(2, LIMITS));
    const expected = await Promise.all(
      objects.map(async (o) => contentOf(await parseOne(inThread, o.bytes.slice(), o))),
    );
    // All at once: two workers, four objects, answers matched to their requests.
    const actual = await Promise.all(
      objects.map(async (o) => contentOf(await parseOne(workers, o.bytes.slice(), o))),
    );
    expect(actual).toEqual(expected);
    expect(actual[0]?.accepted).toBeGreaterThan(0);
    expect(actual[0]?.rejectedByReason).toMatchObject({ 'bad-json': 1 });
  });

  it('rejects a corrupt gzip with the error the calling thread gives', async () => {
    const bytes = gzipSync(fetchText(200));
    const broken = bytes.subarray(0, bytes.length >> 1);
    const object = { key: '2018-06-07/1528329600.ndjson.gz', fetchedAt: T };
    const inThread = await piecesOf(threadParser(LIMITS), broken.slice(), object).catch(
      (e: unknown) => e,
    );
    const onWorker = await piecesOf(track(workerParser(1, LIMITS)), broken.slice(), object).catch(
      (e: unknown) => e,
    );
    expect(onWorker).toBeInstanceOf(SourceError);
    expect((onWorker as Error).message).toBe((inThread as Error).message);
    expect((onWorker as Error).message).toContain(object.key);
  });

  it('fails only the object a crashed worker held, and parses the next on a new worker', async () => {
    const parser = track(
      workerParser(2, LIMITS, new URL('./crashing-parse-worker.ts', import.meta.url)),
    );
    const bytes = gzipSync(fetchText(300));
    const outcomes = await Promise.allSettled(
      ['a', 'crash', 'b', 'c'].map((name, i) =>
        parseOne(parser, bytes.slice(), { key: `2018-06-07/${name}.ndjson.gz`, fetchedAt: T + i }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const error = (outcomes[1] as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toBe('2018-06-07/crash.ndjson.gz: the parse worker exited with status 7');
    const after = await parseOne(parser, bytes.slice(), { key: 'after', fetchedAt: T });
    expect(after.lines).toBe(301);
  });

  it('refuses work once closed, and rejects what was still queued', async () => {
    const parser = workerParser(1, LIMITS);
    const bytes = gzipSync(fetchText(2000));
    const queued = [1, 2, 3].map((i) =>
      parseOne(parser, bytes.slice(), { key: `k${i}`, fetchedAt: T }).catch((e: Error) => e),
    );
    await parser.close();
    for (const outcome of await Promise.all(queued)) {
      expect((outcome as Error).message).toMatch(/closed before this object was parsed/);
    }
    await expect(parseOne(parser, bytes, { key: 'late', fetchedAt: T })).rejects.toThrow(
      'the parser is closed',
    );
  });

  it('parses in the calling thread for 0 workers', async () => {
    const parser = track(openParser(0, LIMITS));
    const batch = await parseOne(parser, new TextEncoder().encode(fetchText(10)), {
      key: 'k',
      fetchedAt: T,
    });
    expect(batch.lines).toBe(11);
  });
});
