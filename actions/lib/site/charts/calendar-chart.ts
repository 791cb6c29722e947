// Ingestion health as a calendar (what Airflow's grid view shows, by day): one square per UTC day,
// weeks as columns, shaded by the share of its intervals ingested (144 ten-minute intervals, or one
// for an archive day); a day with a failed interval is drawn red with a heavy outline. Pure and
// Web-standard.
import type { DayStatus } from '../../ingest/status.ts';
import { at, chartFrame, escapeXml } from './svg.ts';

const CELL = 14;
const STEP = 17;

/** The fill of a day: grey when nothing happened, blues by the share done, red when one failed. */
function fillOf(day: DayStatus): string {
  if (day.failed > 0) return '#b91c1c';
  const done = day.intervals > 0 ? (day.ingested + day.empty) / day.intervals : 0;
  if (done === 0) return '#d4d4d8';
  if (done < 0.5) return '#93c5fd';
  if (done < 1) return '#3b82f6';
  return '#1e3a8a';
}

/**
 * The calendar of `days` (consecutive UTC days, as the status lists them). Every day is a `rect`
 * of class `mark` (and `failed` when an interval failed) with its counts as a tooltip.
 *
 * @example calendarChart(status.days)
 */
export function calendarChart(days: readonly DayStatus[]): string {
  const first = days[0];
  const offset = first ? new Date(`${first.day}T00:00:00Z`).getUTCDay() : 0;
  const weeks = Math.ceil((days.length + offset) / 7);
  const left = 40;
  const top = 44;
  // At least as wide as the legend's five entries.
  const width = Math.max(left + 5 * 84 + 16, left + weeks * STEP + 16);
  const height = top + 7 * STEP + 44;
  const body: string[] = [];
  ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].forEach((name, i) => {
    if (i % 2 === 1) body.push(`<text x="4" y="${top + i * STEP + 11}">${name}</text>`);
  });
  days.forEach((day, i) => {
    const cell = i + offset;
    const x = left + Math.floor(cell / 7) * STEP;
    const y = top + (cell % 7) * STEP;
    if (new Date(`${day.day}T00:00:00Z`).getUTCDate() === 1 || i === 0) {
      body.push(`<text x="${x}" y="${top - 6}">${escapeXml(day.day.slice(0, 7))}</text>`);
    }
    const failed = day.failed > 0;
    const tip = `${day.day}: ${day.ingested} ingested, ${day.empty} empty, ${day.failed} failed, ${day.running} running, ${day.missing} missing of ${day.intervals}`;
    body.push(
      `<rect class="mark${failed ? ' failed' : ''}" data-day="${day.day}" x="${at(x)}" y="${at(y)}" width="${CELL}" height="${CELL}" fill="${fillOf(day)}"${failed ? ' stroke="#450a0a" stroke-width="2"' : ''}><title>${escapeXml(tip)}</title></rect>`,
    );
  });
  const legend: [string, string][] = [
    ['#d4d4d8', 'none'],
    ['#93c5fd', '< 50 %'],
    ['#3b82f6', '< 100 %'],
    ['#1e3a8a', 'all'],
    ['#b91c1c', 'a failure'],
  ];
  legend.forEach(([fill, label], k) => {
    const lx = left + k * 84;
    body.push(
      `<g class="legend"><rect x="${lx}" y="${height - 26}" width="12" height="12" fill="${fill}"/><text x="${lx + 16}" y="${height - 16}">${label}</text></g>`,
    );
  });
  const failed = days.filter((d) => d.failed > 0).length;
  return chartFrame({
    id: 'ingest-calendar',
    title: 'Intervals ingested per UTC day',
    description: `${days.length} days from ${first?.day ?? '-'} to ${days.at(-1)?.day ?? '-'}; ${failed} with a failed interval. Shade: the share of the day's intervals done (144 ten-minute intervals, or one for an archive day).`,
    width,
    height,
    body: body.join(''),
  });
}
