// wrangler.jsonc (what `wrangler deploy` reads) and the local runtime (what `freshet serve`, the
// tests and the benchmark run) must describe the same Worker.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_DIR } from '../../edge-serve/deploy/bundle-cli.ts';
import {
  bundleWorker,
  COMPATIBILITY_DATE,
  WORKER_ENTRY,
} from '../../edge-serve/local/local-worker.ts';

const CONFIG = new URL('../../edge-serve/wrangler.jsonc', import.meta.url);

/** JSON with comments: whole-line `//` comments only (as the file writes them). */
function parseJsonc(text: string): Record<string, unknown> {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
}

describe('edge-serve/wrangler.jsonc', () => {
  it('names the entry, compatibility date, minifying and assets the local runtime uses', async () => {
    const config = parseJsonc(await readFile(CONFIG, 'utf8'));
    expect(config).toMatchObject({
      name: 'freshet-serve',
      compatibility_date: COMPATIBILITY_DATE,
      minify: true,
      assets: { binding: 'ASSETS', run_worker_first: true },
    });
    expect(new URL(String(config.main), CONFIG).pathname).toBe(WORKER_ENTRY);
    const assets = config.assets as { directory: string };
    expect(new URL(`${assets.directory}/`, CONFIG).pathname).toBe(`${DEFAULT_BUNDLE_DIR}/`);
  });

  it('bundles a minified Worker that imports no node: module and stays far under the 3 MB limit', async () => {
    const script = await bundleWorker();
    expect(script).not.toMatch(/from\s*["']node:|import\(["']node:|require\(["']node:/);
    expect(script.length).toBeLessThan(300_000);
    // Minified: no indented line, few lines at all.
    expect(script).not.toMatch(/\n {2}\S/);
    expect(script.split('\n').length).toBeLessThan(100);
  });
});
