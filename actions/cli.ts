// The `freshet` command: flags in, one library call, output out. Only this file exits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { helpText } from './cli/help.ts';
import { type Command, parseCommandLine } from './cli/parse.ts';
import { progressReporter } from './cli/progress.ts';
import { describeError, UsageError } from './lib/errors.ts';
import { ingest, plan, withDatabase } from './lib/ingest/index.ts';
import { readStatus } from './lib/ingest/status.ts';
import type { IngestReport } from './lib/ingest/types.ts';
import { formatInstant } from './lib/interval/instant.ts';
import { generateFetches } from './lib/openaq/synthetic.ts';
import { migrate } from './lib/toar/migrate.ts';
import { stderrLogger } from './lib/util/logger.ts';
import { formatTable } from './lib/util/table.ts';

const DAY_MS = 86_400_000;
const out = (line: string) => process.stdout.write(`${line}\n`);
const context = { logger: stderrLogger, stateDir: resolve('.freshet') };

/** Runs one command; resolves to the process exit status. */
export async function run(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv, { ...process.env, now: Date.now() });
  } catch (error) {
    if (error instanceof UsageError) {
      for (const problem of error.problems) stderrLogger.error(problem);
      return 2;
    }
    throw error;
  }
  try {
    return await execute(command);
  } catch (error) {
    stderrLogger.error(describeError(error));
    return error instanceof UsageError ? 2 : 1;
  }
}

async function execute(command: Command): Promise<number> {
  switch (command.name) {
    case 'help':
      out(helpText(command.topic));
      return 0;
    case 'ingest': {
      const progress = progressReporter();
      const report = await ingest(
        {
          source: command.source,
          start: command.start,
          end: command.end,
          ...(command.databaseUrl ? { databaseUrl: command.databaseUrl } : {}),
          ...(command.region ? { region: command.region } : {}),
          ...(command.endpoint ? { endpoint: command.endpoint } : {}),
          anonymous: command.anonymous,
          concurrency: command.concurrency,
        },
        { ...context, onProgress: progress.update },
      );
      progress.end();
      if (command.json) {
        const { failures: _failures, ...counts } = report;
        out(JSON.stringify(counts));
      } else {
        out(describeReport(report));
      }
      return report.objects_failed > 0 ? 1 : 0;
    }
    case 'plan': {
      const matrix = await plan(command, context);
      out(JSON.stringify(matrix));
      return 0;
    }
    case 'status': {
      const status = await withDatabase(command.databaseUrl, context, 1, (db) => readStatus(db.pool));
      if (command.json) {
        out(JSON.stringify(status));
        return 0;
      }
      out(
        formatTable(
          ['day', 'ingested', 'empty', 'failed', 'running', 'missing'],
          status.days.map((d) => [d.day, d.ingested, d.empty, d.failed, d.running, d.missing]),
        ),
      );
      out(`\nlast successful interval: ${status.last_success ?? 'none'}`);
      const rejected = Object.entries(status.rejected);
      out(`\n${rejected.length ? formatTable(['rejected because', 'lines'], rejected) : 'no rejected lines'}`);
      out(
        `\n${formatTable(
          ['variable', 'stations', 'series'],
          status.variables.map((v) => [v.variable, v.stations, v.series]),
        )}`,
      );
      return 0;
    }
    case 'migrate': {
      await withDatabase(command.databaseUrl, context, 1, async (db) => {
        const client = await db.pool.connect();
        try {
          const applied = await migrate(client, stderrLogger);
          out(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date');
        } finally {
          client.release();
        }
      });
      return 0;
    }
    case 'generate-fetches': {
      const result = await generateFetches({
        outDir: resolve(command.out),
        start: command.start,
        days: command.days,
        stations: command.stations,
        seed: command.seed,
      });
      out(`wrote ${result.objects} objects, ${result.records} records, ${result.bytes} bytes under ${result.dir}`);
      return 0;
    }
    case 'demo':
      return demo(command);
  }
}

async function demo(command: Extract<Command, { name: 'demo' }>): Promise<number> {
  const start = Date.UTC(2014, 0, 1);
  const dir = await mkdtemp(join(tmpdir(), 'freshet-demo-'));
  try {
    stderrLogger.info(`generating ${command.days} days of fetches from 2014-01-01 in ${dir}`);
    const generated = await generateFetches({
      outDir: dir,
      start,
      days: command.days,
      stations: command.stations,
      seed: 1,
    });
    const source = pathToFileURL(generated.dir).toString();
    let failed = 0;
    const headers = ['day', 'objects', 'records', 'accepted', 'rejected', 'rows new', 'seconds'];
    // Rows are printed as each day finishes, so columns get a fixed width.
    const line = (row: (string | number)[], index: number) =>
      formatTable(headers, [row], 10).split('\n')[index] ?? '';
    out(line(['2014-01-01', 0, 0, 0, 0, 0, 0], 0));
    for (let day = 0; day < command.days; day++) {
      const dayStart = start + day * DAY_MS;
      const report = await ingest(
        {
          source,
          start: dayStart,
          end: dayStart + DAY_MS,
          ...(command.databaseUrl ? { databaseUrl: command.databaseUrl } : {}),
        },
        context,
      );
      failed += report.objects_failed;
      const rejected = Object.values(report.rejected).reduce((a, b) => a + b, 0);
      const row = [
        formatInstant(dayStart).slice(0, 10),
        report.objects,
        report.lines,
        report.accepted,
        rejected,
        report.rows_inserted,
        report.seconds,
      ];
      out(line(row, 1));
    }
    out(`\nThe database is in .freshet/ (see \`npx freshet status\`).`);
    return failed > 0 ? 1 : 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describeReport(r: IngestReport): string {
  const rejected = Object.entries(r.rejected)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const lines = [
    `${r.intervals} intervals, ${r.objects} objects (${r.objects_skipped} skipped, ${r.objects_failed} failed), ${r.lines} lines in ${r.seconds}s`,
    `accepted ${r.accepted}, rejected ${r.lines - r.accepted}${rejected ? ` (${rejected})` : ''}`,
    `stations created ${r.stations_created}, series created ${r.series_created}, rows inserted ${r.rows_inserted}, rows updated ${r.rows_updated}`,
  ];
  for (const f of r.failures) lines.push(`failed: ${f.key} (interval ${f.interval}): ${f.error}`);
  return lines.join('\n');
}

process.exitCode = await run(process.argv.slice(2));
