// What an ingest job shows on its run page: the job summary (Markdown) and warning annotations.
// Pure: the ingest action hands these strings to @actions/core.
import type { IngestReport } from '../ingest/types.ts';
import { describeInterval } from '../interval/range.ts';
import type { Interval } from '../interval/types.ts';
import { formatCount, markdownTable } from './markdown.ts';

/** What the summary says the job was asked to do. */
export interface IngestSummaryContext {
  range: Interval;
  source: string;
}

/**
 * At most this many failed objects are listed in the summary: a job summary holds 1 MiB, and a
 * source outage could fail thousands of objects with the same message.
 */
export const MAX_FAILED_ROWS = 100;

/**
 * GitHub shows at most 10 warning annotations per step; the rest are dropped silently, so the
 * action chooses which ones to send.
 */
export const MAX_WARNINGS = 10;

/** One `core.warning` call. */
export interface Annotation {
  title: string;
  message: string;
}

/** Total rejected lines over every reason. */
export function rejectedTotal(report: IngestReport): number {
  return Object.values(report.rejected).reduce((sum, n) => sum + n, 0);
}

/** Rejection reasons with their counts, most frequent first (ties by reason, for stable output). */
export function rejectionsByReason(report: IngestReport): [reason: string, lines: number][] {
  return Object.entries(report.rejected)
    .filter(([, n]) => n > 0)
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
}

/** `lines / seconds` with one decimal, or `–` when the run took no measurable time. */
function perSecond(count: number, seconds: number): string {
  if (!(seconds > 0)) return '–';
  return (count / seconds).toLocaleString('en-US', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
}

/**
 * Renders the ingest job's summary: counts, rejected lines by reason, throughput and failed objects,
 * one table each.
 *
 * @example
 * await core.summary.addRaw(renderIngestSummary(report, { range, source })).write();
 */
export function renderIngestSummary(report: IngestReport, context: IngestSummaryContext): string {
  const rejected = rejectedTotal(report);
  const sections = [
    `## Ingest ${describeInterval(context.range)}`,
    `Source: \`${context.source}\``,
    '### Counts',
    markdownTable(
      [{ header: 'what' }, { header: 'count', align: 'right' }],
      [
        ['intervals', report.intervals],
        ['objects', report.objects],
        ['objects skipped (not fetch files)', report.objects_skipped],
        ['objects failed', report.objects_failed],
        ['objects misfiled (wrong date folder, not ingested)', report.objects_misfiled],
        ['objects unchanged (same ETag as when loaded, not read)', report.objects_unchanged],
        ['lines', report.lines],
        ['accepted', report.accepted],
        ['rejected', rejected],
        ['stations created', report.stations_created],
        ['series created', report.series_created],
        ['rows inserted', report.rows_inserted],
        ['rows updated', report.rows_updated],
      ].map(([what, n]) => [String(what), formatCount(Number(n))]),
    ),
    '### Rejected lines by reason',
    rejected === 0
      ? 'No line was rejected.'
      : markdownTable(
          [
            { header: 'reason' },
            { header: 'lines', align: 'right' },
            { header: 'share of lines', align: 'right' },
          ],
          rejectionsByReason(report).map(([reason, n]) => [
            reason,
            formatCount(n),
            report.lines > 0 ? `${((100 * n) / report.lines).toFixed(1)} %` : '–',
          ]),
        ),
    '### Throughput',
    markdownTable(
      [{ header: 'what' }, { header: 'value', align: 'right' }],
      [
        ['records per second', perSecond(report.lines, report.seconds)],
        ['objects per second', perSecond(report.objects, report.seconds)],
        ['seconds', report.seconds.toFixed(1)],
      ],
    ),
    '### Failed objects',
    failedObjectsSection(report),
  ];
  return `${sections.join('\n\n')}\n`;
}

function failedObjectsSection(report: IngestReport): string {
  if (report.failures.length === 0) return 'Every object was loaded.';
  const shown = report.failures.slice(0, MAX_FAILED_ROWS);
  const table = markdownTable(
    [{ header: 'object' }, { header: 'interval' }, { header: 'error' }],
    shown.map((f) => [f.key, f.interval, f.error]),
  );
  const more = report.failures.length - shown.length;
  const note =
    'A failed object fails its interval, which the next scheduled run plans again.' +
    (more > 0 ? ` ${formatCount(more)} more failed objects are not listed.` : '');
  return `${table}\n\n${note}`;
}

/**
 * The warnings worth an annotation, at most {@link MAX_WARNINGS}: one that sums up the rejected
 * lines (rejections are expected in OpenAQ data, one line is enough to spot a jump), then one per
 * failed object; when they do not all fit, the last one says how many were left out.
 */
export function ingestAnnotations(
  report: IngestReport,
  limit: number = MAX_WARNINGS,
): Annotation[] {
  const annotations: Annotation[] = [];
  const rejected = rejectedTotal(report);
  if (rejected > 0) {
    const reasons = rejectionsByReason(report)
      .map(([reason, n]) => `${reason} ${formatCount(n)}`)
      .join(', ');
    annotations.push({
      title: 'Rejected lines',
      message: `${formatCount(rejected)} of ${formatCount(report.lines)} lines rejected: ${reasons}. See the job summary.`,
    });
  }
  const slots = Math.max(0, limit - annotations.length);
  const failures = report.failures;
  const listed = failures.length > slots ? Math.max(0, slots - 1) : failures.length;
  for (const failure of failures.slice(0, listed)) {
    annotations.push({
      title: 'Object not loaded',
      message: `${failure.key} (interval ${failure.interval}): ${failure.error}`,
    });
  }
  const unlisted = failures.length - listed;
  if (unlisted > 0 && annotations.length < limit) {
    annotations.push({
      title: 'Objects not loaded',
      message: `${formatCount(unlisted)} more objects failed: see the job summary.`,
    });
  }
  return annotations;
}
