import type {
  GetObjectCommandInput,
  GetObjectCommandOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2CommandOutput,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { FreshetError, SourceError, UsageError } from '../errors.ts';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from '../util/retry.ts';
import { parseObjectName } from './object-name.ts';
import { layoutSource, type Source } from './source.ts';

/**
 * Objects up to this size are downloaded whole, with retries; larger ones are streamed (a real-time
 * fetch object is a few MB).
 */
export const WHOLE_READ_BYTES = 32 * 1024 * 1024;

/** How to reach the bucket. */
export interface S3SourceOptions {
  region?: string;
  /** An S3-compatible endpoint (path-style), e.g. a mirror or a local server. */
  endpoint?: string;
  /** Unsigned requests, for public buckets; otherwise the usual AWS credential chain. */
  anonymous?: boolean;
  /** How long a request may go without a byte (default 30 s); a hung request is retried. */
  requestTimeoutMs?: number;
  retry?: RetryPolicy;
  onRetry?: (message: string) => void;
  /** Objects larger than this are streamed rather than downloaded whole (default {@link WHOLE_READ_BYTES}). */
  wholeReadBytes?: number;
}

/** The two S3 calls a source makes. */
interface S3Calls {
  list(input: ListObjectsV2CommandInput): Promise<ListObjectsV2CommandOutput>;
  get(input: GetObjectCommandInput): Promise<GetObjectCommandOutput>;
}

/**
 * An S3 client made on the first call: the AWS SDK takes about 0.2 s and 30 MB to load, which a
 * command reading a folder, or no source at all, never needs to pay.
 */
function lazyS3Client(config: S3ClientConfig): S3Calls {
  let calls: Promise<S3Calls> | undefined;
  const load = () =>
    (calls ??= import('@aws-sdk/client-s3').then((sdk) => {
      const client = new sdk.S3Client(config);
      return {
        list: (input) => client.send(new sdk.ListObjectsV2Command(input)),
        get: (input) => client.send(new sdk.GetObjectCommand(input)),
      };
    }));
  return {
    list: async (input) => (await load()).list(input),
    get: async (input) => (await load()).get(input),
  };
}

/**
 * The real-time layout in an S3 bucket, given as `s3://bucket/prefix/`. Listing follows
 * pagination; throttling, 5xx answers, timeouts and broken downloads are retried with backoff (the
 * SDK's own retries, then ours around whole downloads, since a body can break after its headers).
 *
 * @example
 * const source = s3Source('s3://openaq-fetches/realtime-gzipped/', { region: 'us-east-1', anonymous: true });
 */
export function s3Source(url: string, options: S3SourceOptions = {}): Source {
  const access = s3Access(url, options);
  return layoutSource(
    {
      url,
      checkRoot: access.checkRoot,
      async listFolder(folder) {
        const names = (await access.listObjects(`${folder}/`)).map((o) =>
          o.key.slice(folder.length + 1),
        );
        return { names: names.filter((name) => !name.includes('/')), unreadable: [] };
      },
      readObject: access.readObject,
    },
    parseObjectName,
  );
}

/** An object as a listing gives it: its key relative to the source's root, ETag and LastModified. */
export interface ListedObject {
  key: string;
  /** As S3 gives it, quotes included (`"9b2cf535f27731c974343645a3985328"`). */
  etag: string;
  /** Epoch ms. */
  lastModified: number;
}

/** What a source's storage can do, under its root (keys and prefixes are relative to it). */
export interface SourceStorage {
  url: string;
  /** Checks that the root exists and can be listed (see {@link Source.check}). */
  checkRoot(): Promise<void>;
  /** Every object under `prefix` (which ends with `/`, or is empty), all pages, in key order. */
  listObjects(prefix: string): Promise<ListedObject[]>;
  /**
   * The folders right under `prefix` (names relative to the root, ending with `/`), all pages, or
   * only the first (`firstPage`, enough to tell a layout).
   */
  listFolders(prefix: string, firstPage?: boolean): Promise<string[]>;
  /** An object's bytes, a chunk at a time (see {@link Source.read}). */
  readObject(key: string): AsyncIterable<Uint8Array>;
}

/**
 * An S3 bucket under a prefix, as a {@link SourceStorage}: listings follow pagination; throttling,
 * 5xx answers, timeouts and broken downloads are retried with backoff.
 *
 * @example
 * const storage = s3Access('s3://openaq-data-archive/records/csv.gz/', { anonymous: true });
 * await storage.listFolders(''); // ['locationid=2178/', …]
 */
export function s3Access(url: string, options: S3SourceOptions = {}): SourceStorage {
  const parsed = parseS3Url(url);
  const client = lazyS3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.anonymous
      ? {
          credentials: { accessKeyId: '', secretAccessKey: '' },
          signer: { sign: async (request) => request },
        }
      : {}),
    maxAttempts: 4,
    requestHandler: {
      connectionTimeout: 5_000,
      // An idle timeout: it ends a request that hangs before its answer and a body that stalls
      // midway. (The handler's `requestTimeout` only logs a warning unless told to throw, and stops
      // watching once the headers arrive.)
      socketTimeout: options.requestTimeoutMs ?? 30_000,
    },
  });
  const policy = options.retry ?? DEFAULT_RETRY;
  const retry = <T>(what: string, work: () => Promise<T>) =>
    withRetry(work, policy, isTransient, (error, attempt, delayMs) =>
      options.onRetry?.(
        `${what}: ${describe(error)} (attempt ${attempt}, retrying in ${delayMs} ms)`,
      ),
    );
  const listPages = async (
    prefix: string,
    delimiter: string | undefined,
    firstPage: boolean,
    take: (page: {
      Contents?: { Key?: string; ETag?: string; LastModified?: Date }[];
      CommonPrefixes?: { Prefix?: string }[];
    }) => void,
  ) => {
    const full = `${parsed.prefix}${prefix}`;
    let token: string | undefined;
    try {
      do {
        const page = await retry(`listing s3://${parsed.bucket}/${full}`, () =>
          client.list({
            Bucket: parsed.bucket,
            Prefix: full,
            ContinuationToken: token,
            ...(delimiter ? { Delimiter: delimiter } : {}),
          }),
        );
        take(page);
        token = page.IsTruncated && !firstPage ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw new SourceError(`cannot list s3://${parsed.bucket}/${full}`, { cause: error });
    }
  };
  return {
    url,
    async listObjects(prefix) {
      const objects: ListedObject[] = [];
      await listPages(prefix, undefined, false, (page) => {
        for (const item of page.Contents ?? []) {
          if (!item.Key) continue;
          objects.push({
            key: item.Key.slice(parsed.prefix.length),
            etag: item.ETag ?? '',
            lastModified: item.LastModified?.getTime() ?? 0,
          });
        }
      });
      return objects;
    },
    async listFolders(prefix, firstPage = false) {
      const folders: string[] = [];
      await listPages(prefix, '/', firstPage, (page) => {
        for (const item of page.CommonPrefixes ?? []) {
          if (item.Prefix) folders.push(item.Prefix.slice(parsed.prefix.length));
        }
      });
      return folders;
    },
    async checkRoot() {
      let page: { KeyCount?: number | undefined };
      try {
        page = await retry(`listing ${url}`, () =>
          client.list({ Bucket: parsed.bucket, Prefix: parsed.prefix, MaxKeys: 1 }),
        );
      } catch (error) {
        // The bucket's answer (no such bucket, access denied, another region): the setting is
        // wrong. Anything else (the network, 5xx after retries): the source is out of reach.
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        if (status !== undefined && status >= 300 && status < 500) {
          throw new UsageError(`${url} cannot be listed: ${describe(error)}`, { cause: error });
        }
        throw new SourceError(`cannot list ${url}`, { cause: error });
      }
      if (!page.KeyCount) throw new UsageError(`${url}: there is no object under it`);
    },
    async *readObject(key) {
      const fullKey = `${parsed.prefix}${key}`;
      const where = `s3://${parsed.bucket}/${fullKey}`;
      const get = () => client.get({ Bucket: parsed.bucket, Key: fullKey });
      let response: GetObjectCommandOutput;
      try {
        response = await retry(`reading ${where}`, get);
      } catch (error) {
        throw new SourceError(`cannot read ${where}`, { cause: error });
      }
      const wholeReadBytes = options.wholeReadBytes ?? WHOLE_READ_BYTES;
      if ((response.ContentLength ?? Number.POSITIVE_INFINITY) <= wholeReadBytes) {
        // A fetch object (a few MB): downloaded whole, so that a body that breaks after its
        // headers is downloaded again rather than failing the object.
        let first: GetObjectCommandOutput | undefined = response;
        try {
          yield await retry(`reading ${where}`, async () => {
            const answer = first ?? (await get());
            first = undefined;
            if (!answer.Body) throw new SourceError(`${where} has no body`);
            return await answer.Body.transformToByteArray();
          });
        } catch (error) {
          throw new SourceError(`cannot read ${where}`, { cause: error });
        }
        return;
      }
      // A large object is streamed, never held whole: a body that breaks fails the object, and
      // its interval is planned again.
      const body = response.Body as unknown as AsyncIterable<Uint8Array> | undefined;
      if (body === undefined || !(Symbol.asyncIterator in body)) {
        throw new SourceError(`${where} has no readable body`);
      }
      try {
        for await (const chunk of body) yield chunk;
      } catch (error) {
        throw new SourceError(`cannot read ${where}: the download broke off`, { cause: error });
      }
    },
  };
}

/**
 * `s3://bucket/prefix/` → bucket and prefix (with a trailing slash, or empty).
 *
 * @throws UsageError when `url` is not of that form (it comes from `--source`).
 */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new UsageError(`not an S3 URL: ${url} (expected s3://bucket/prefix/)`);
  const rest = match[2] ?? '';
  return { bucket: match[1], prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/` };
}

/** Worth another try: network trouble, timeouts, throttling, 5xx, a body that broke off. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const status = meta?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  return !(error instanceof FreshetError) || error instanceof SourceError;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
