// Runs the Worker in workerd on this machine through Miniflare, with a bundle directory as its
// static assets: what `freshet serve`, the tests and bench:serve start. Bound to 127.0.0.1.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';

/** The Worker's entry module. */
export const WORKER_ENTRY = fileURLToPath(new URL('../src/worker.ts', import.meta.url));

/** The compatibility date of wrangler.jsonc (one the pinned workerd supports). */
export const COMPATIBILITY_DATE = '2026-10-01';

/**
 * The Worker as one ES module, bundled as wrangler bundles it (esbuild, browser conditions, minified).
 *
 * @example const script = await bundleWorker(); // JavaScript text
 */
export async function bundleWorker(): Promise<string> {
  const result = await build({
    entryPoints: [WORKER_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2023',
    // As wrangler.jsonc's `minify`: a cold isolate parses and compiles less (47 KiB against 108;
    // its first prediction cost 0.6–0.8 ms less CPU, side by side).
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no Worker bundle');
  return output.text;
}

export interface LocalWorkerOptions {
  /** The deployment bundle (write-bundle.ts), served as the Worker's static assets. */
  readonly assetsDir: string;
  /** The port on 127.0.0.1 (0: any free one). */
  readonly port?: number;
  /** The Worker's script, when already bundled (see {@link bundleWorker}). */
  readonly script?: string;
}

/** A running Worker. */
export interface LocalWorker {
  /** Where it listens, e.g. `http://127.0.0.1:8787/`. */
  readonly url: URL;
  readonly miniflare: Miniflare;
  /** Stops workerd. */
  dispose(): Promise<void>;
}

/**
 * Starts the Worker in workerd, listening on 127.0.0.1.
 *
 * @example
 * const worker = await startLocalWorker({ assetsDir: '.freshet/serve-bundle', port: 8787 });
 * await fetch(new URL('/ping', worker.url));
 * await worker.dispose();
 */
export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  // Miniflare 5 (wrangler 4.153's) takes a new configuration form; its converter still reads the
  // documented Miniflare 4 options, which say what is needed here in a few lines.
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      name: 'freshet-serve',
      modules: true,
      script: options.script ?? (await bundleWorker()),
      compatibilityDate: COMPATIBILITY_DATE,
      assets: {
        directory: options.assetsDir,
        binding: 'ASSETS',
        // As wrangler sets it from run_worker_first: every request reaches the Worker first.
        routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true },
      },
      host: '127.0.0.1',
      port: options.port ?? 0,
    }),
  );
  const url = await miniflare.ready;
  return { url, miniflare, dispose: () => miniflare.dispose() };
}
