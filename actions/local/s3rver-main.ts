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

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverServer;

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
