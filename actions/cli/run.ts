// The `freshet` command: argv → one parsed command → one library call through the shells' wiring →
// output. It translates; the library decides. Importable: tests call run() with their own shell.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError, UsageError } from '../lib/errors.ts';
import { formatIngestReport, formatStatus, ingestCountsJson } from '../lib/ingest/report-format.ts';
import { readStatus } from '../lib/ingest/status.ts';
import { flagLabel } from '../lib/settings/setting.ts';
import { DEFAULT_STATE_DIR } from '../lib/state-dir.ts';
import { compareRuns, listRuns, readRunPair } from '../lib/training/run/runs.ts';
import {
  formatRunComparison,
  formatRunsTable,
  formatTrainingResult,
  runToJson,
  trainingResultJson,
} from '../lib/training/run/runs-format.ts';
import { type Logger, stderrLogger } from '../lib/util/logger.ts';
import { abortOnSignals, interruptedExitCode } from '../signals.ts';
import { ingestWith, planWith, type ShellContext, trainWith, usingDatabase } from '../wiring.ts';
import { helpText } from './help.ts';
import { type Command, parseCommandLine } from './parse.ts';
import { progressReporter } from './progress.ts';
import { executeRegistry } from './registry-commands.ts';

/** The example project `freshet demo` (and so `npm start`) trains each day. */
export const DEMO_PROJECT = fileURLToPath(new URL('../../training/ozone-forest', import.meta.url));

/** Everything the command line reads from and writes to, so that tests can hand in their own. */
export interface CliShell {
  /** DATABASE_URL, FRESHET_START, FRESHET_SOURCE, FRESHET_POSTGRES_LOG. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** A line of results (stdout). */
  readonly out: (line: string) => void;
  /** Messages (stderr). */
  readonly logger: Logger;
  /** Where progress is drawn (stderr). */
  readonly progress: NodeJS.WriteStream;
  /** The state folder: the embedded database, runs' artifacts. */
  readonly stateDir: string;
}

/** The process's own shell: its environment and clock, stdout and stderr, `.freshet` of the working directory. */
export function processShell(): CliShell {
  return {
    env: process.env,
    now: Date.now,
    out: (line) => process.stdout.write(`${line}\n`),
    logger: stderrLogger,
    progress: process.stderr,
    stateDir: resolve(DEFAULT_STATE_DIR),
  };
}

/**
 * Runs one command; resolves to the process exit status: 0 success, 1 a failed object or training
 * run, 2 a usage error (every problem listed).
 *
 * @example process.exitCode = await run(['status', '--json'], processShell());
 */
export async function run(
  argv: readonly string[],
  shell: CliShell = processShell(),
): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv, { ...shell.env, now: shell.now() });
  } catch (error) {
    if (error instanceof UsageError) {
      for (const problem of error.problems) shell.logger.error(problem);
      return 2;
    }
    throw error;
  }
  try {
    return await execute(command, shell);
  } catch (error) {
    shell.logger.error(describeError(error));
    return error instanceof UsageError ? 2 : 1;
  }
}

function contextOf(shell: CliShell): ShellContext {
  const serverLog = shell.env.FRESHET_POSTGRES_LOG
    ? (message: string) => shell.progress.write(`[postgres] ${message}`)
    : undefined;
  return {
    logger: shell.logger,
    stateDir: shell.stateDir,
    ...(serverLog ? { serverLog } : {}),
  };
}

async function execute(command: Command, shell: CliShell): Promise<number> {
  const { out } = shell;
  const context = contextOf(shell);
  switch (command.name) {
    case 'help':
      out(helpText(command.topic));
      return 0;
    case 'ingest':
      return ingestCommand(command, shell, context);
    case 'plan': {
      const { name: _name, ...settings } = command;
      out(JSON.stringify(await planWith(settings, context)));
      return 0;
    }
    case 'status': {
      const status = await usingDatabase(command, context, (db) => readStatus(db.pool));
      out(command.json ? JSON.stringify(status) : formatStatus(status));
      return 0;
    }
    case 'migrate': {
      const applied = await usingDatabase(command, context, async (db) => db.applied);
      out(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date');
      return 0;
    }
    case 'generate-fetches': {
      const { generateFetches } = await import('../lib/synthetic/index.ts');
      const result = await generateFetches({
        outDir: command.out,
        start: command.start,
        days: command.days,
        stations: command.stations,
        seed: command.seed,
      });
      out(
        `wrote ${result.objects} objects, ${result.records} records, ${result.bytes} bytes under ${result.dir}`,
      );
      return 0;
    }
    case 'demo': {
      // Loaded here: s3rver, Miniflare and Astro are needed by this command alone.
      const { demoCommand } = await import('./demo.ts');
      return demoCommand(command, shell, context, DEMO_PROJECT);
    }
    case 'train':
      return train(command, shell, context);
    case 'runs': {
      const runs = await usingDatabase(command, context, (db) => listRuns(db.pool, command));
      out(command.json ? JSON.stringify(runs.map(runToJson)) : formatRunsTable(runs));
      return 0;
    }
    case 'serve':
      return serve(command, shell);
    case 'doctor': {
      // Loaded here: the GitHub client and the S3 SDK are needed by this command alone.
      const { doctorCommand } = await import('./doctor.ts');
      return doctorCommand(command, shell);
    }
    case 'runs-compare': {
      const [a, b] = await usingDatabase(command, context, (db) =>
        readRunPair(db.pool, command.a, command.b),
      );
      const comparison = compareRuns(a, b);
      out(
        command.json
          ? JSON.stringify({ ...comparison, a: runToJson(a), b: runToJson(b) })
          : formatRunComparison(comparison),
      );
      return 0;
    }
    case 'site-build':
    case 'site-serve': {
      // Only these commands load the site's code.
      const { siteCommand } = await import('./site.ts');
      return siteCommand(command, shell, context);
    }
    case 'models-list':
    case 'models-show':
    case 'models-validate':
    case 'models-bundle':
    case 'publish':
    case 'promote':
      return executeRegistry(command, out, {
        ...context,
        stateDir: shell.stateDir,
        env: shell.env,
        now: shell.now,
      });
  }
}

async function ingestCommand(
  command: Extract<Command, { name: 'ingest' }>,
  shell: CliShell,
  context: ShellContext,
): Promise<number> {
  const progress = progressReporter(shell.progress);
  const { name: _name, json, ...settings } = command;
  const labels = { source: flagLabel('source'), maxIntervals: flagLabel('max-intervals') };
  // SIGINT/SIGTERM (or the launcher gone) stop the run: its started attempts are recorded as
  // failed, the report is printed, and the status is the signal's (130, 143).
  const { report, interrupted } = await abortOnSignals(async (signal) => {
    const report = await ingestWith(
      { ...settings, labels },
      { ...context, onProgress: progress.update, signal },
    );
    return { report, interrupted: interruptedExitCode(signal) };
  });
  progress.end();
  shell.out(json ? ingestCountsJson(report) : formatIngestReport(report));
  if (report.stopped !== undefined) {
    // One line says why the run stopped (the failures it caused are in the report).
    shell.logger.error(`the run stopped before the end of its range: ${report.stopped}`);
    return interrupted ?? 1;
  }
  return report.objects_failed > 0 ? 1 : 0;
}

async function train(
  command: Extract<Command, { name: 'train' }>,
  shell: CliShell,
  context: ShellContext,
): Promise<number> {
  // Ctrl-C stops the project's command (its whole process group) and records the run as failed.
  const result = await abortOnSignals((signal) =>
    trainWith(
      {
        project: command.project,
        ...(command.entryPoint ? { entryPoint: command.entryPoint } : {}),
        parameters: command.parameters,
        tags: command.tags,
        selection: command.selection,
        selectionLabels: {
          station: '--station',
          variable: '--variable',
          window: '--window',
          from: '--from',
          to: '--to',
        },
        keepTable: command.keepTable,
        ...(command.timeoutMs !== undefined ? { timeoutMs: command.timeoutMs } : {}),
        maxArtifactBytes: command.maxArtifactBytes,
        remoteBaseUrl: command.gitBase,
        ...(command.databaseUrl ? { databaseUrl: command.databaseUrl } : {}),
      },
      { ...context, env: shell.env, now: shell.now, signal },
    ),
  );
  shell.out(command.json ? trainingResultJson(result) : formatTrainingResult(result));
  return result.status === 'succeeded' ? 0 : 1;
}

/**
 * `freshet serve`: the local registry's promoted versions in workerd on 127.0.0.1 until SIGINT or
 * SIGTERM, its normal end: the status is the signal's (130, 143), as a shell reports it and as
 * Miniflare's own exit hook (which stops workerd) would make it anyway.
 */
async function serve(
  command: Extract<Command, { name: 'serve' }>,
  shell: CliShell,
): Promise<number> {
  // Loaded here: Miniflare and esbuild are needed by this command alone.
  const { serveRegistry, exampleCurl } = await import('../../edge-serve/local/serve-registry.ts');
  return abortOnSignals(async (signal) => {
    const served = await serveRegistry({
      stateDir: shell.stateDir,
      port: command.port,
      defaultModel: command.model,
      builtAt: new Date(shell.now()).toISOString(),
    });
    try {
      shell.out(`serving the promoted models of ${shell.stateDir}/registry at ${served.url.href}`);
      for (const line of exampleCurl(served)) shell.out(line);
      shell.logger.info('stop it with Ctrl-C');
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    } finally {
      await served.dispose();
    }
    return interruptedExitCode(signal) ?? 0;
  });
}
