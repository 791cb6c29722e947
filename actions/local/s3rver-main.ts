// The child process behind s3-server.ts: runs s3rver on 127.0.0.1 on a free port over
// the directory given as the only argument, prints one line `{"port":N}` when it listens, and exits
// on SIGTERM or when its stdin closes. Watching stdin bounds the server's life: if the process that
// started it dies without calling stop(), the pipe closes and this process ends instead of lingering.
//
// Run it with `--openssl-legacy-provider`: s3rver derives ListObjectsV2 continuation tokens with a
// cipher that OpenSSL 3 only offers through the legacy provider (paginated listings fail with 500
// without it).
import { createRequire } from 'node:module';

/** The part of s3rver 3.7's class this launcher uses (the package ships no types). */
interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
}
interface S3rverOptions {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}

/** An object as s3rver's filesystem store lists it (only its key is read here). */
interface S3rverObject {
  key: string;
}
interface S3rverListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
}
interface S3rverListing {
  objects: S3rverObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
type ListObjects = (bucket: string, options: S3rverListOptions) => Promise<S3rverListing>;

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverServer;
const FilesystemStore = require('s3rver/lib/stores/filesystem') as {
  prototype: { listObjects: ListObjects };
};

/**
 * s3rver 3.7 lists a delimiter listing's common prefixes wrongly: walking its folders, it skips
 * every folder two levels below the prefix, so a key such as `prefix/a/b/c` yields no common prefix
 * `prefix/a/` (`locationid=2178/year=2023/month=02/…` under the archive's root lists as nothing,
 * where S3 lists `locationid=2178/`). Here a delimiter listing walks every key under the prefix and
 * groups them as S3 does; as in s3rver, `maxKeys` counts keys only.
 */
const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function (this: unknown, bucket, options) {
  const { delimiter, prefix = '', maxKeys = Number.POSITIVE_INFINITY } = options;
  if (!delimiter) return listObjects.call(this, bucket, options);
  const all = await listObjects.call(this, bucket, {
    ...options,
    delimiter: '',
    maxKeys: Number.POSITIVE_INFINITY,
  });
  const objects: S3rverObject[] = [];
  const commonPrefixes = new Set<string>();
  let isTruncated = false;
  for (const object of all.objects) {
    const at = object.key.indexOf(delimiter, prefix.length);
    if (at >= 0) commonPrefixes.add(object.key.slice(0, at + delimiter.length));
    else if (objects.length < maxKeys) objects.push(object);
    else {
      isTruncated = true;
      break;
    }
  }
  return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
};

const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: node --openssl-legacy-provider s3rver-main.ts <directory>\n');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);

process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
