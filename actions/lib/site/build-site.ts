// `freshet site build`: the registry and the status become the site's data (one JSON file), then
// Astro renders registry-site/ into static pages, each `<route>/index.html`. The registry and the
// status are read by the caller (the shells' wiring) and handed in.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FreshetError, UsageError } from '../errors.ts';
import type { Logger } from '../util/logger.ts';
import type { RegistrySnapshot } from './registry-snapshot.ts';
import { type SiteData, siteData } from './site-data.ts';
import { parseStatusSnapshot, type SiteStatus } from './status-snapshot.ts';

/** The Astro project. */
export const SITE_ROOT = fileURLToPath(new URL('../../../registry-site/', import.meta.url));

/** The project's scratch folder for builds in progress (ignored by git). */
const BUILD_FOLDER = '.build';

/** Where `freshet site build` writes the site when no `--out` is given, under the state folder. */
export const DEFAULT_SITE_DIR = 'site';

/** How the pages are built. */
export interface SiteBuildOptions {
  /** The folder the pages go to (replaced). */
  readonly outDir: string;
  /** The path the site is served under: `/`, or `/<repo>/` for a GitHub Pages project site. */
  readonly base?: string;
  readonly now: number;
  readonly edgeUrl?: string | undefined;
  readonly repository?: string | undefined;
  readonly logger: Logger;
  /** The environment Astro runs in (the shell's own); what Vite reads as its own is left out. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Variables Vite (and Vitest) take as `import.meta.env` values: one set outside (a test runner sets
 * BASE_URL to `/`) would override the build's own base path.
 */
const VITE_OWN = new Set(['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'NODE_ENV']);

/**
 * Credentials the command may hold (the store's token, the database's address): Astro renders from
 * the data file alone, so its process gets none of them.
 */
const CREDENTIALS = new Set(['GITHUB_TOKEN', 'FRESHET_PR_TOKEN', 'DATABASE_URL']);

/** What a build wrote. */
export interface SiteBuildResult {
  readonly outDir: string;
  /** Every page, as its route (`models/ozone/v3/`). */
  readonly pages: string[];
  readonly bytes: number;
  readonly data: SiteData;
}

/**
 * Reads a status snapshot file; a missing or invalid one is a status the pages explain (and a
 * warning), never a failed build.
 *
 * @example const status = await readStatusFile('status.json', logger);
 */
export async function readStatusFile(path: string, logger: Logger): Promise<SiteStatus> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = `the status snapshot ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    logger.warn(`${reason}: the data pages say so`);
    return { kind: 'missing', reason };
  }
  try {
    return { kind: 'read', source: path, report: parseStatusSnapshot(text, path) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const reason = `the status snapshot ${path} is not one: ${error.problems.join('; ')}`;
    logger.warn(`${reason}: the data pages say so`);
    return { kind: 'missing', reason };
  }
}

/** Whether the state folder holds an embedded database (made by an earlier command). */
export function hasEmbeddedDatabase(stateDir: string): boolean {
  return (
    existsSync(join(stateDir, 'postgres.json')) ||
    existsSync(join(stateDir, 'postgres', 'PG_VERSION'))
  );
}

/**
 * Runs registry-site/build-pages.ts (Astro) with this process's Node, in the project's folder.
 *
 * @throws FreshetError with Astro's output when it fails
 */
function renderPages(
  options: { outDir: string; base: string; dataFile: string; cacheDir: string },
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['build-pages.ts', JSON.stringify(options)], {
      cwd: SITE_ROOT,
      // Astro asks nothing and reports nothing home from a build.
      env: { ...env, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => fail(new FreshetError('starting Astro failed', { cause: error })));
    child.on('close', (code, signal) => {
      if (code === 0) done();
      else {
        fail(
          new FreshetError(
            `building the pages in ${SITE_ROOT} failed (${signal ?? `exit status ${code}`}):\n${output.trim()}`,
          ),
        );
      }
    });
  });
}

/** The end of Astro's output kept for an error. */
const MAX_OUTPUT = 16_000;

async function listPages(dir: string, prefix = ''): Promise<{ pages: string[]; bytes: number }> {
  const pages: string[] = [];
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await listPages(path, `${prefix}${entry.name}/`);
      pages.push(...inner.pages);
      bytes += inner.bytes;
    } else {
      bytes += (await stat(path)).size;
      if (entry.name === 'index.html') pages.push(prefix);
    }
  }
  return { pages: pages.sort(), bytes };
}

/**
 * Builds the site from the registry and the status into `options.outDir` (replacing it).
 *
 * @throws UsageError when the base path is not one; FreshetError when Astro fails
 * @example
 * await buildSite(await readRegistry(localStore('.freshet')), status,
 *   { outDir: '.freshet/site', now: Date.now(), logger });
 */
export async function buildSite(
  registry: RegistrySnapshot,
  status: SiteStatus,
  options: SiteBuildOptions,
): Promise<SiteBuildResult> {
  const base = options.base ?? '/';
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(base)) {
    throw new UsageError(
      `--base ${base} must be a path that starts and ends with /, e.g. /freshet/`,
    );
  }
  for (const problem of registry.problems) options.logger.warn(problem);
  const data = siteData(registry, status, {
    now: options.now,
    edgeUrl: options.edgeUrl,
    repository: options.repository,
  });
  const work = await mkdtemp(join(tmpdir(), 'freshet-site-'));
  // Astro imports its prerendering chunks from the output folder: inside the project, they find
  // its node_modules. The pages are copied to outDir afterwards.
  await mkdir(join(SITE_ROOT, BUILD_FOLDER), { recursive: true });
  const staging = await mkdtemp(join(SITE_ROOT, BUILD_FOLDER, 'out-'));
  const outDir = resolve(options.outDir);
  try {
    const dataFile = join(work, 'site-data.json');
    await writeFile(dataFile, JSON.stringify(data));
    // Caches per build: builds in parallel (tests) must not share Vite's.
    const env = Object.fromEntries(
      Object.entries(options.env).filter(
        ([name]) => !VITE_OWN.has(name) && !CREDENTIALS.has(name) && !name.startsWith('VITE'),
      ),
    );
    await renderPages({ outDir: staging, base, dataFile, cacheDir: join(work, 'cache') }, env);
    await rm(join(staging, '.prerender'), { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    await cp(staging, outDir, { recursive: true });
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
  const { pages, bytes } = await listPages(outDir);
  return { outDir, pages, bytes, data };
}
