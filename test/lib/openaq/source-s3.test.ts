import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SourceError, UsageError } from '../../../actions/lib/errors.ts';
import type { SourceObject, TimeSpan } from '../../../actions/lib/openaq/source.ts';
import {
  parseS3Url,
  type S3SourceOptions,
  s3Access,
  s3Source,
} from '../../../actions/lib/openaq/source-s3.ts';
import type { RetryPolicy } from '../../../actions/lib/util/retry.ts';
import { bytesOf } from '../../support/bytes.ts';
import { defined } from '../../support/defined.ts';
import { type FaultPlan, type FaultProxy, startFaultProxy } from '../../support/fault-proxy.ts';
import {
  expectSelectionLikeTheListing,
  LISTING_PREFIX,
  realListingKeys,
} from '../../support/real-listing.ts';
import { type S3TestServer, startS3Server } from '../../support/s3-server.ts';

/** 2018-06-07T00:00:00Z in Unix seconds (a real fetch time of the bucket). */
const T0 = 1528329600;
const PREFIX = 'realtime-gzipped/';
/** Retries quick enough for tests; the SDK's own retries come first. */
const QUICK_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

const at = (seconds: number) => seconds * 1000;
const span = (fromSeconds: number, toSeconds: number): TimeSpan => ({
  start: at(fromSeconds),
  end: at(toSeconds),
});
const baseName = (key: string) => key.slice(key.lastIndexOf('/') + 1);
const keysOf = (objects: readonly SourceObject[]) => objects.map((o) => o.key);

let s3: S3TestServer;
let bucketCount = 0;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  s3 = await startS3Server();
  // A source that is not anonymous uses the AWS credential chain: s3rver's account via the env.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
});

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await s3?.stop();
});

/** A fresh bucket holding `objects` (key → body); tests never share one. */
async function bucketWith(objects: Record<string, string | Uint8Array>): Promise<string> {
  const bucket = `bucket-${++bucketCount}`;
  await s3.createBucket(bucket);
  await s3.putObjects(bucket, Object.entries(objects));
  return bucket;
}

async function proxyWith(plan: FaultPlan): Promise<FaultProxy> {
  const proxy = await startFaultProxy(s3.endpoint, plan);
  proxies.push(proxy);
  return proxy;
}

async function failure(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** A day of the real-time layout with every kind of name a folder can hold. */
const DAY = {
  'realtime-gzipped/2018-06-06/1528329599.ndjson.gz': 'last fetch of 06-06',
  'realtime-gzipped/2018-06-07/1528329600.ndjson.gz': 'first fetch of 06-07',
  'realtime-gzipped/2018-06-07/1528330199.ndjson.gz': 'just before the interval',
  'realtime-gzipped/2018-06-07/1528330200.ndjson.gz': 'at the interval start',
  'realtime-gzipped/2018-06-07/1528330200_na.ndjson.gz': 'same second, suffixed',
  'realtime-gzipped/2018-06-07/1528330250.ndjson': 'plain ndjson',
  'realtime-gzipped/2018-06-07/1528330300_eea_6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.ndjson.gz':
    'eea',
  'realtime-gzipped/2018-06-07/1528330799.ndjson.gz': 'last second of the interval',
  'realtime-gzipped/2018-06-07/1528330800.ndjson.gz': 'at the interval end',
  'realtime-gzipped/2018-06-07/README.txt': 'not a fetch',
  'realtime-gzipped/2018-06-07/latest.ndjson.gz': 'not a fetch',
  'realtime-gzipped/2018-06-07/1528330400.json': 'not a fetch',
  'realtime-gzipped/2018-06-07/1528330400.ndjson.gz.tmp': 'not a fetch',
  'realtime-gzipped/2018-06-07/archive/1528330400.ndjson.gz': 'in a subfolder: not of this layout',
  'realtime/2018-06-07/1528330400.ndjson': 'another prefix of the bucket',
};
/** The interval 2018-06-07T00:10Z–00:20Z. */
const INTERVAL = span(T0 + 600, T0 + 1200);

describe('s3Source: selection', () => {
  it('selects the objects fetched in [start, end), by fetch time then key, whatever their suffix', async () => {
    const bucket = await bucketWith(DAY);
    const source = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: s3.endpoint });
    const listing = await source.list(INTERVAL);
    expect(listing.objects).toEqual([
      { key: '2018-06-07/1528330200.ndjson.gz', fetchedAt: at(1528330200) },
      { key: '2018-06-07/1528330200_na.ndjson.gz', fetchedAt: at(1528330200) },
      { key: '2018-06-07/1528330250.ndjson', fetchedAt: at(1528330250) },
      {
        key: '2018-06-07/1528330300_eea_6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.ndjson.gz',
        fetchedAt: at(1528330300),
      },
      { key: '2018-06-07/1528330799.ndjson.gz', fetchedAt: at(1528330799) },
    ]);
  });

  it('counts the non-fetch names of a folder as skipped, once per folder and source', async () => {
    const bucket = await bucketWith(DAY);
    const source = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: s3.endpoint });
    const first = await source.list(INTERVAL);
    expect([...first.skipped].sort()).toEqual([
      '2018-06-07/1528330400.json',
      '2018-06-07/1528330400.ndjson.gz.tmp',
      '2018-06-07/README.txt',
      '2018-06-07/latest.ndjson.gz',
    ]);
    const later = await source.list(span(T0 + 1200, T0 + 1800));
    expect(later.skipped).toEqual([]);
    expect(keysOf(later.objects)).toEqual(['2018-06-07/1528330800.ndjson.gz']);
    // Another source is another run: it reports them again.
    const again = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: s3.endpoint });
    expect((await again.list(INTERVAL)).skipped).toHaveLength(4);
  });

  it('lists only the date folders an interval touches, each once per source', async () => {
    const bucket = await bucketWith(DAY);
    const proxy = await proxyWith([]);
    const source = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: proxy.endpoint });
    const listedPrefixes = () => proxy.requests.filter((r) => r.listing).map((r) => r.query.prefix);

    const midnight = await source.list(span(T0 - 300, T0 + 300));
    expect(keysOf(midnight.objects)).toEqual([
      '2018-06-06/1528329599.ndjson.gz',
      '2018-06-07/1528329600.ndjson.gz',
    ]);
    expect(listedPrefixes()).toEqual([
      'realtime-gzipped/2018-06-06/',
      'realtime-gzipped/2018-06-07/',
    ]);

    await source.list(INTERVAL);
    expect(listedPrefixes()).toHaveLength(2);

    const nextDay = await source.list(span(T0 + 86_400, T0 + 87_000));
    expect(nextDay).toEqual({ objects: [], skipped: [], misfiled: [] });
    expect(listedPrefixes()).toEqual([
      'realtime-gzipped/2018-06-06/',
      'realtime-gzipped/2018-06-07/',
      'realtime-gzipped/2018-06-08/',
    ]);
  });

  it('lists nothing for an empty interval', async () => {
    const bucket = await bucketWith(DAY);
    const proxy = await proxyWith([]);
    const source = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: proxy.endpoint });
    expect(await source.list(span(T0 + 600, T0 + 600))).toEqual({
      objects: [],
      skipped: [],
      misfiled: [],
    });
    expect(proxy.requests).toEqual([]);
  });

  it('follows the pages of a folder with more objects than one listing returns', async () => {
    const bucket = `bucket-${++bucketCount}`;
    await s3.createBucket(bucket);
    const day = T0 + 86_400; // 2018-06-08T00:00:00Z
    // One fetch a second from 00:00:00 to 00:20:04: s3rver answers 1,000 keys a page.
    const fetches = Array.from({ length: 1205 }, (_, i) => day + i);
    await s3.seedObjects(bucket, [
      ...fetches.map((t) => [`${PREFIX}2018-06-08/${t}.ndjson.gz`, ''] as const),
      [`${PREFIX}2018-06-08/zz-notes.txt`, 'sorts after every fetch: on the last page'],
    ]);
    const proxy = await proxyWith([]);
    const source = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: proxy.endpoint });

    // 00:10–00:20 straddles the page boundary (the first page ends at 00:16:39).
    const listing = await source.list(span(day + 600, day + 1200));
    expect(keysOf(listing.objects)).toEqual(
      fetches
        .filter((t) => t >= day + 600 && t < day + 1200)
        .map((t) => `2018-06-08/${t}.ndjson.gz`),
    );
    expect(listing.skipped).toEqual(['2018-06-08/zz-notes.txt']);
    const pages = proxy.requests.filter((r) => r.listing);
    expect(pages).toHaveLength(2);
    expect(pages[0]?.query['continuation-token']).toBeUndefined();
    expect(pages[1]?.query['continuation-token']).toEqual(expect.any(String));

    const wholeDay = await source.list(span(day, day + 86_400));
    expect(wholeDay.objects).toHaveLength(1205);
  });
});

// A real listing of the bucket (see test/fixtures/openaq/README.md).
describe('s3Source over the keys of test-realtime-2017-09-28.csv', () => {
  it('selects what an independent reading of the names selects', async () => {
    const keys = await realListingKeys();
    expect(keys).toHaveLength(91);
    const bucket = `openaq-fetches-${++bucketCount}`;
    await s3.createBucket(bucket);
    await s3.putObjects(
      bucket,
      keys.map((key) => [key, ''] as const),
    );
    const source = s3Source(`s3://${bucket}/${LISTING_PREFIX}`, { endpoint: s3.endpoint });
    // 06:00–09:00 UTC, and every 10-minute interval of the day.
    await expectSelectionLikeTheListing(source, keys, {
      start: Date.parse('2017-09-28T06:00:00Z'),
      end: Date.parse('2017-09-28T09:00:00Z'),
    });
  });
});

describe('s3Source: reading', () => {
  it('reads an object whole, its bytes as stored (gzip is not undone here)', async () => {
    const gzipBytes = Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3, 250, 251, 252);
    const bucket = await bucketWith({
      'realtime-gzipped/2018-06-07/1528329600.ndjson.gz': gzipBytes,
    });
    const source = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: s3.endpoint });
    const [object] = (await source.list(span(T0, T0 + 600))).objects;
    expect(new Uint8Array(await bytesOf(source.read(defined(object, 'the object'))))).toEqual(
      gzipBytes,
    );
  });

  it('streams an object larger than wholeReadBytes instead of downloading it whole', async () => {
    const large = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < large.length; i += 4096) large[i] = i % 251;
    const bucket = await bucketWith({ 'realtime-gzipped/2018-06-07/1528329600.ndjson': large });
    const source = s3Source(`s3://${bucket}/${PREFIX}`, {
      endpoint: s3.endpoint,
      wholeReadBytes: 64 * 1024,
    });
    const [object] = (await source.list(span(T0, T0 + 600))).objects;
    let chunks = 0;
    let largest = 0;
    const body = source.read(defined(object, 'the object'));
    async function* counted() {
      for await (const chunk of body) {
        chunks++;
        largest = Math.max(largest, chunk.length);
        yield chunk;
      }
    }
    expect(await bytesOf(counted())).toEqual(large);
    expect(chunks).toBeGreaterThan(10);
    expect(largest).toBeLessThan(large.length / 10);
  });

  it('sends unsigned requests when anonymous, and signed ones otherwise', async () => {
    const bucket = await bucketWith(DAY);
    const proxy = await proxyWith([]);
    const anonymous = s3Source(`s3://${bucket}/${PREFIX}`, {
      endpoint: proxy.endpoint,
      anonymous: true,
    });
    const { objects } = await anonymous.list(INTERVAL);
    expect(objects).toHaveLength(5);
    expect(
      new TextDecoder().decode(
        await bytesOf(anonymous.read(defined(objects[0], 'the first object'))),
      ),
    ).toBe('at the interval start');
    expect(proxy.requests.length).toBe(2);
    expect(proxy.requests.every((r) => !r.signed)).toBe(true);

    const signed = s3Source(`s3://${bucket}/${PREFIX}`, { endpoint: proxy.endpoint });
    await bytesOf(
      signed.read(defined((await signed.list(INTERVAL)).objects[0], 'the first object')),
    );
    expect(proxy.requests.slice(2).map((r) => r.signed)).toEqual([true, true]);
  });

  it('fails with a SourceError naming the key of a missing object, without retrying', async () => {
    const bucket = await bucketWith(DAY);
    const proxy = await proxyWith([]);
    const onRetry = vi.fn();
    const source = s3Source(`s3://${bucket}/${PREFIX}`, {
      endpoint: proxy.endpoint,
      retry: QUICK_RETRY,
      onRetry,
    });
    const error = await failure(
      bytesOf(source.read({ key: '2018-06-07/1528330000.ndjson.gz', fetchedAt: at(1528330000) })),
    );
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toContain(
      `s3://${bucket}/realtime-gzipped/2018-06-07/1528330000.ndjson.gz`,
    );
    expect(proxy.requests).toHaveLength(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('fails with a SourceError naming the folder when the bucket does not exist', async () => {
    const source = s3Source('s3://no-such-bucket/realtime-gzipped/', {
      endpoint: s3.endpoint,
      retry: QUICK_RETRY,
    });
    const error = await failure(source.list(INTERVAL));
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toContain('s3://no-such-bucket/realtime-gzipped/2018-06-07/');
  });
});

describe('s3Source: faults', () => {
  const BODY = new Uint8Array(5000).map((_, i) => i % 251);
  const FAULTY = {
    'realtime-gzipped/2018-06-07/1528330200.ndjson.gz': BODY,
    'realtime-gzipped/2018-06-07/1528330260.ndjson.gz': BODY,
    'realtime-gzipped/2018-06-07/1528330320_na.ndjson': BODY,
  };
  /** Lists INTERVAL and reads every object in turn, as an ingest run does. */
  async function readAll(options: S3SourceOptions, bucket: string) {
    const source = s3Source(`s3://${bucket}/${PREFIX}`, {
      requestTimeoutMs: 500,
      retry: QUICK_RETRY,
      ...options,
    });
    const { objects } = await source.list(INTERVAL);
    const bodies: Uint8Array[] = [];
    for (const object of objects) bodies.push(new Uint8Array(await bytesOf(source.read(object))));
    return { objects, bodies };
  }

  it('retries 500 and 503 SlowDown answers until the objects arrive', async () => {
    const bucket = await bucketWith(FAULTY);
    const proxy = await proxyWith([
      {
        method: 'GET',
        key: /1528330200\.ndjson\.gz$/,
        nth: [1, 2],
        fault: { kind: 'status', status: 500, code: 'InternalError' },
      },
      { nth: { every: 4 }, fault: { kind: 'status', status: 503, code: 'SlowDown' } },
    ]);
    const { objects, bodies } = await readAll({ endpoint: proxy.endpoint }, bucket);
    expect(objects).toHaveLength(3);
    expect(bodies).toEqual([BODY, BODY, BODY]);
    // The listing, two 500s, the third GET of 1528330200 (the 4th request: 503), then successes.
    expect(
      proxy.requests.map((r) => [r.listing ? 'list' : baseName(r.key ?? ''), r.fault]),
    ).toEqual([
      ['list', null],
      ['1528330200.ndjson.gz', 'status'],
      ['1528330200.ndjson.gz', 'status'],
      ['1528330200.ndjson.gz', 'status'],
      ['1528330200.ndjson.gz', null],
      ['1528330260.ndjson.gz', null],
      ['1528330320_na.ndjson', null],
    ]);
    expect(proxy.counts()).toEqual({ status: 3, hang: 0, truncate: 0, reset: 0, forwarded: 4 });
  });

  it('abandons a hung listing or download after requestTimeoutMs and asks again', async () => {
    const bucket = await bucketWith(FAULTY);
    const proxy = await proxyWith([
      { listing: true, nth: [1], fault: { kind: 'hang' } },
      { key: /1528330260/, nth: [1], fault: { kind: 'hang' } },
    ]);
    const { bodies } = await readAll({ endpoint: proxy.endpoint }, bucket);
    expect(bodies).toEqual([BODY, BODY, BODY]);
    expect(proxy.counts().hang).toBe(2);
    expect(proxy.requests.filter((r) => r.listing)).toHaveLength(2);
    expect(proxy.requests.filter((r) => r.key?.endsWith('1528330260.ndjson.gz'))).toHaveLength(2);
  });

  it('downloads again a body that broke off, or a connection that was reset', async () => {
    const bucket = await bucketWith(FAULTY);
    const proxy = await proxyWith([
      { key: /1528330200/, nth: [1], fault: { kind: 'truncate', afterBytes: 1000 } },
      { key: /1528330320/, nth: [1], fault: { kind: 'reset' } },
    ]);
    const onRetry = vi.fn<(message: string) => void>();
    const { bodies } = await readAll({ endpoint: proxy.endpoint, onRetry }, bucket);
    expect(bodies).toEqual([BODY, BODY, BODY]);
    expect(proxy.counts()).toMatchObject({ truncate: 1, reset: 1 });
    // The SDK cannot retry a body after its headers: Freshet's retry did, and said which object.
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(onRetry.mock.calls[0]?.[0]).toContain(
      `s3://${bucket}/realtime-gzipped/2018-06-07/1528330200.ndjson.gz`,
    );
  });

  it('gives up with a SourceError naming the key once the attempts run out', async () => {
    const bucket = await bucketWith(FAULTY);
    const proxy = await proxyWith([
      {
        key: /1528330260/,
        nth: 'all',
        fault: { kind: 'status', status: 500, code: 'InternalError' },
      },
    ]);
    const onRetry = vi.fn();
    const error = await failure(
      readAll(
        { endpoint: proxy.endpoint, onRetry, retry: { ...QUICK_RETRY, attempts: 2 } },
        bucket,
      ),
    );
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toContain(
      `s3://${bucket}/realtime-gzipped/2018-06-07/1528330260.ndjson.gz`,
    );
    expect(onRetry).toHaveBeenCalledTimes(1);
    const attempts = proxy.requests.filter((r) => r.key?.endsWith('1528330260.ndjson.gz'));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((r) => r.fault === 'status')).toBe(true);
  });
});

describe('s3Access: folders', () => {
  it('lists the folders under a prefix as S3 does, however deep the keys below them', async () => {
    const bucket = await bucketWith({
      'records/csv.gz/locationid=2178/year=2023/month=02/location-2178-20230222.csv.gz': 'a',
      'records/csv.gz/locationid=2178/year=2024/month=01/location-2178-20240101.csv.gz': 'b',
      'records/csv.gz/locationid=8118/year=2023/month=02/location-8118-20230222.csv.gz': 'c',
      'records/csv.gz/README.txt': 'not in a folder',
    });
    const storage = s3Access(`s3://${bucket}/records/csv.gz/`, {
      endpoint: s3.endpoint,
      anonymous: true,
    });
    expect(await storage.listFolders('')).toEqual(['locationid=2178/', 'locationid=8118/']);
    expect(await storage.listFolders('locationid=2178/')).toEqual([
      'locationid=2178/year=2023/',
      'locationid=2178/year=2024/',
    ]);
    expect(await storage.listFolders('locationid=9999/')).toEqual([]);
  });
});

describe('parseS3Url', () => {
  it.each([
    ['s3://openaq-fetches/realtime-gzipped/', 'openaq-fetches', 'realtime-gzipped/'],
    ['s3://openaq-fetches/realtime-gzipped', 'openaq-fetches', 'realtime-gzipped/'],
    ['s3://mirror/a/b/realtime', 'mirror', 'a/b/realtime/'],
    ['s3://mirror/', 'mirror', ''],
    ['s3://mirror', 'mirror', ''],
  ])('reads %s as bucket %s, prefix "%s"', (url, bucket, prefix) => {
    expect(parseS3Url(url)).toEqual({ bucket, prefix });
  });

  it.each([
    'https://openaq-fetches.s3.amazonaws.com/realtime/',
    's3://',
    's3:///realtime/',
    'openaq-fetches/realtime/',
  ])('refuses %s as a usage error', (url) => {
    expect(() => parseS3Url(url)).toThrow(UsageError);
    expect(() => s3Source(url)).toThrow(/expected s3:\/\/bucket\/prefix\//);
  });
});
