// Plain-text renderings of an ingest's report and of the ingest status, for the command line.
import { printable } from '../util/printable.ts';
import { formatTable } from '../util/table.ts';
import type { StatusReport } from './status.ts';
import type { IngestReport } from './types.ts';

/**
 * An ingest report in three lines, then one line per failed object.
 *
 * @example
 * formatIngestReport(report)
 * // 6 intervals, 6 objects (0 skipped, 0 failed), 1204 lines in 0.4s
 * // accepted 1190, rejected 14 (no-coordinates 14)
 * // stations created 80, series created 95, rows inserted 1190, rows updated 0
 */
export function formatIngestReport(r: IngestReport): string {
  const rejected = Object.entries(r.rejected)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const lines = [
    `${r.intervals} intervals, ${r.objects} objects (${r.objects_skipped} skipped, ${r.objects_failed} failed), ${r.lines} lines in ${r.seconds}s`,
    `accepted ${r.accepted}, rejected ${r.lines - r.accepted}${rejected ? ` (${rejected})` : ''}`,
    `stations created ${r.stations_created}, series created ${r.series_created}, rows inserted ${r.rows_inserted}, rows updated ${r.rows_updated}`,
  ];
  if (r.objects_misfiled > 0) {
    lines.push(
      `misfiled ${r.objects_misfiled} (under another date folder than their fetch time: not ingested)`,
    );
  }
  if (r.objects_unchanged > 0) {
    lines.push(`unchanged ${r.objects_unchanged} (same ETag as when loaded: not read again)`);
  }
  for (const f of r.failures) {
    // Source errors name their object already.
    const what = f.error.includes(f.key) ? f.error : `${f.key}: ${f.error}`;
    lines.push(`failed (interval ${f.interval}): ${printable(what)}`);
  }
  return lines.join('\n');
}

/** The counts `--json` prints: the report without its failures (those are for summaries). */
export function ingestCountsJson(report: IngestReport): string {
  const { failures: _failures, ...counts } = report;
  return JSON.stringify(counts);
}

/**
 * The ingest status as `freshet status` prints it: the day grid, the last successful interval,
 * rejected lines by reason, and stations and series per variable.
 */
export function formatStatus(status: StatusReport): string {
  const rejected = Object.entries(status.rejected);
  return [
    formatTable(
      ['day', 'intervals', 'ingested', 'empty', 'failed', 'running', 'missing'],
      status.days.map((d) => [
        d.day,
        d.intervals,
        d.ingested,
        d.empty,
        d.failed,
        d.running,
        d.missing,
      ]),
    ),
    `\nlast successful interval: ${status.last_success ?? 'none'}`,
    `\n${rejected.length ? formatTable(['rejected because', 'lines'], rejected) : 'no rejected lines'}`,
    `\n${formatTable(
      ['variable', 'stations', 'series'],
      status.variables.map((v) => [v.variable, v.stations, v.series]),
    )}`,
  ].join('\n');
}
