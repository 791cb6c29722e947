// `freshet site build` and `freshet site serve`: the registry's static site. Loaded only by these
// commands (Astro runs in a process of its own; the rest of the command line never loads this).
import { join } from 'node:path';
import { describeError } from '../lib/errors.ts';
import { readStatus } from '../lib/ingest/status.ts';
import {
  buildSite,
  DEFAULT_SITE_DIR,
  hasEmbeddedDatabase,
  readStatusFile,
} from '../lib/site/build-site.ts';
import { readRegistry } from '../lib/site/registry-snapshot.ts';
import { serveSite } from '../lib/site/serve-site.ts';
import type { SiteStatus } from '../lib/site/status-snapshot.ts';
import { DEFAULT_STATE_DIR } from '../lib/state-dir.ts';
import { registryStore } from '../registry-wiring.ts';
import { abortOnSignals } from '../signals.ts';
import { type ShellContext, usingDatabase } from '../wiring.ts';
import type { Command } from './parse.ts';
import type { CliShell } from './run.ts';

/**
 * The status the site shows: the snapshot file when one is named, else the database the settings
 * name, else the embedded one when it exists. A database that cannot be read is a status the
 * pages explain (and a warning), not a failed build.
 *
 * @example const status = await siteStatus({ status: 'status.json' }, { logger });
 */
export async function siteStatus(
  settings: { readonly status?: string | undefined; readonly databaseUrl?: string | undefined },
  context: ShellContext,
): Promise<SiteStatus> {
  if (settings.status !== undefined) return readStatusFile(settings.status, context.logger);
  const stateDir = context.stateDir ?? DEFAULT_STATE_DIR;
  if (settings.databaseUrl === undefined && !hasEmbeddedDatabase(stateDir)) {
    return {
      kind: 'missing',
      reason: 'the build was given no status snapshot (--status FILE) and there is no database',
    };
  }
  try {
    const report = await usingDatabase(settings, context, (db) => readStatus(db.pool));
    const source = settings.databaseUrl ? 'the database' : `the embedded database in ${stateDir}`;
    return { kind: 'read', source, report };
  } catch (error) {
    const reason = `the database could not be read (${describeError(error)})`;
    context.logger.warn(`${reason}: the data pages say so`);
    return { kind: 'missing', reason };
  }
}

/**
 * Runs `site build` or `site serve`; resolves to the exit status.
 *
 * @example process.exitCode = await siteCommand({ name: 'site-build', base: '/' }, shell, context);
 */
export async function siteCommand(
  command: Extract<Command, { name: 'site-build' | 'site-serve' }>,
  shell: CliShell,
  context: ShellContext,
): Promise<number> {
  if (command.name === 'site-serve') {
    const dir = command.dir ?? join(shell.stateDir, DEFAULT_SITE_DIR);
    const server = await serveSite(dir, command.port, command.base);
    shell.out(`serving ${dir} at ${server.url} (Ctrl-C stops it)`);
    // Serves until SIGINT or SIGTERM.
    await abortOnSignals(
      (signal) => new Promise<void>((done) => signal.addEventListener('abort', () => done())),
    );
    await server.close();
    return 0;
  }
  // The registry's own store: the local folder under the state folder, or the repository's
  // releases (the token is $GITHUB_TOKEN).
  const store = registryStore(command, {
    ...context,
    stateDir: shell.stateDir,
    env: shell.env,
    now: shell.now,
  });
  const registry = await readRegistry(store);
  const status = await siteStatus(command, context);
  const result = await buildSite(registry, status, {
    outDir: command.out ?? join(shell.stateDir, DEFAULT_SITE_DIR),
    base: command.base,
    now: shell.now(),
    edgeUrl: command.edgeUrl,
    repository: command.repository && `${command.repository.owner}/${command.repository.repo}`,
    logger: shell.logger,
    env: shell.env,
  });
  shell.out(
    `wrote ${result.pages.length} pages (${result.data.models.length} models, ${result.bytes} bytes) to ${result.outDir}`,
  );
  return 0;
}
