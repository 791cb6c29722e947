import { resolve } from 'node:path';
import { helpText } from './cli/help.ts';
import { type Command, parseCommandLine } from './cli/parse.ts';
import { progressReporter } from './cli/progress.ts';
import { DEMO_MIN_HOURS, runDemo } from './lib/demo/demo.ts';
import { describeError, UsageError } from './lib/errors.ts';
import { readStatus } from './lib/ingest/status.ts';
import type { IngestReport } from './lib/ingest/types.ts';
import { migrate } from './lib/toar/migrate.ts';
import { compareRuns, listRuns, readRunPair } from './lib/training/run/runs.ts';
import {
  formatRunComparison,
  formatRunsTable,
  formatTrainingResult,
  runToJson,
  trainingResultJson,
} from './lib/training/run/runs-format.ts';
import { stderrLogger } from './lib/util/logger.ts';
import { formatTable } from './lib/util/table.ts';
import { ingestWith, planWith, trainWith, usingDatabase, whileInterruptible } from './wiring.ts';

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
      const report = await ingestWith(
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
      const { name: _name, ...settings } = command;
      const matrix = await planWith(settings, context);
      out(JSON.stringify(matrix));
      return 0;
    }
    case 'status': {
      const status = await usingDatabase(command, context, (db) => readStatus(db.pool));
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
      out(
        `\n${rejected.length ? formatTable(['rejected because', 'lines'], rejected) : 'no rejected lines'}`,
      );
      out(
        `\n${formatTable(
          ['variable', 'stations', 'series'],
          status.variables.map((v) => [v.variable, v.stations, v.series]),
        )}`,
      );
      return 0;
    }
    case 'migrate': {
      await usingDatabase(command, context, async (db) => {
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
      const { generateFetches } = await import('./lib/openaq/synthetic.ts');
      const result = await generateFetches({
        outDir: resolve(command.out),
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
    case 'demo':
      return demo(command);
    case 'train':
      return train(command);
    case 'runs': {
      const runs = await usingDatabase(command, context, (db) => listRuns(db.pool, command));
      out(command.json ? JSON.stringify(runs.map(runToJson)) : formatRunsTable(runs));
      return 0;
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
  }
}

async function train(command: Extract<Command, { name: 'train' }>): Promise<number> {
  // Ctrl-C stops the project's command (its whole process group) and records the run as failed.
  return whileInterruptible(async (signal) => {
    const result = await trainWith(
      {
        project: command.project,
        entryPoint: command.entryPoint,
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
        timeoutMs: command.timeoutMs,
        databaseUrl: command.databaseUrl,
      },
      { ...context, env: process.env, signal },
    );
    out(command.json ? trainingResultJson(result) : formatTrainingResult(result));
    return result.status === 'succeeded' ? 0 : 1;
  });
}

async function demo(command: Extract<Command, { name: 'demo' }>): Promise<number> {
  const headers = [
    'day',
    'objects',
    'records',
    'accepted',
    'rejected',
    'ingest s',
    'train s',
    'rmse',
    'skill',
  ];
  // Rows are printed as each day finishes, so columns get a fixed width.
  const line = (row: (string | number)[], index: number) =>
    formatTable(headers, [row], 10).split('\n')[index] ?? '';
  out(line(['2014-01-01', 0, 0, 0, 0, 0, 0, 0, 0], 0));
  let station = '';
  const notes: string[] = [];
  const ok = await runDemo(
    {
      days: command.days,
      stations: command.stations,
      start: Date.UTC(2014, 0, 1),
      stateDir: context.stateDir,
      ...(command.databaseUrl ? { databaseUrl: command.databaseUrl } : {}),
    },
    {
      // The training project's own output would drown the table: only warnings and errors show.
      logger: { ...stderrLogger, info: () => {} },
      onDay: (day) => {
        const t = day.training;
        if (t) station = t.station;
        if (t?.status === 'failed')
          notes.push(`${day.day}: training failed: ${t.error ?? 'see freshet runs'}`);
        const trained = t?.status === 'succeeded' || t?.status === 'failed';
        out(
          line(
            [
              day.day,
              day.objects,
              day.records,
              day.accepted,
              day.rejected,
              day.ingestSeconds,
              trained ? (t.seconds ?? 0) : `(${t?.hours ?? 0} h)`,
              t?.rmse !== undefined ? Number(t.rmse.toFixed(3)) : '-',
              t?.skill !== undefined ? Number(t.skill.toFixed(3)) : '-',
            ],
            1,
          ),
        );
      },
    },
  );
  out('');
  if (station)
    out(
      `Trained ozone-forest for station ${station} once it had ${DEMO_MIN_HOURS / 24} days of hourly ozone ("(N h)": hours so far).`,
    );
  for (const note of notes) out(note);
  out('The database is in .freshet/: see `npx freshet status` and `npx freshet runs`.');
  return ok ? 0 : 1;
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
  for (const f of r.failures) {
    const what = f.error.includes(f.key) ? f.error : `${f.key}: ${f.error}`;
    lines.push(`failed (interval ${f.interval}): ${what}`);
  }
  return lines.join('\n');
}

process.exitCode = await run(process.argv.slice(2));
