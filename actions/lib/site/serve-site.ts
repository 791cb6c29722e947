// `freshet site serve`: the built pages over HTTP on 127.0.0.1, as GitHub Pages serves them
// (`/route/` → `route/index.html`, `/route` redirected to `/route/`, 404 otherwise). For looking
// at a build and for the browser tests; not a production server.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { UsageError } from '../errors.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** A running server: its address and how to stop it. */
export interface SiteServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  close(): Promise<void>;
}

async function fileAt(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves `dir` on 127.0.0.1:`port` (0: a free port) under the base path the site was built with.
 *
 * @throws UsageError when `dir` holds no built site (no index.html)
 * @example const server = await serveSite('.freshet/site', 4321); … await server.close();
 */
export async function serveSite(dir: string, port: number, base = '/'): Promise<SiteServer> {
  const root = resolve(dir);
  if ((await fileAt(join(root, 'index.html'))) !== 'file') {
    throw new UsageError(`${root} holds no built site: run \`freshet site build\` first`);
  }
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        path = '';
      }
      if (!path.startsWith(base)) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      // normalize() resolves `..`; anything that would leave the root is refused.
      const file = normalize(join(root, path.slice(base.length)));
      if (file !== root && !file.startsWith(root + sep)) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const kind = await fileAt(file);
      if (kind === 'dir' && !path.endsWith('/')) {
        response.writeHead(301, { location: `${path}/${url.search}` }).end();
        return;
      }
      const target = kind === 'dir' ? join(file, 'index.html') : file;
      if ((await fileAt(target)) !== 'file') {
        const notFound = join(root, '404.html');
        response.writeHead(404, { 'content-type': TYPES['.html'] });
        if ((await fileAt(notFound)) === 'file') createReadStream(notFound).pipe(response);
        else response.end('<!doctype html><title>Not found</title><p>Not found.</p>\n');
        return;
      }
      response.writeHead(200, {
        'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      });
      createReadStream(target).pipe(response);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}${base}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
