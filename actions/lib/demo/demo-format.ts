// The demo's table, printed a row at a time as each day finishes.
import { printable, printableLines } from '../util/printable.ts';
import { formatTable } from '../util/table.ts';
import { DEMO_MIN_HOURS, type DemoDay } from './demo.ts';

const HEADERS = [
  'day',
  'objects',
  'records',
  'accepted',
  'rejected',
  'ingest s',
  'train s',
  'rmse',
  'skill',
] as const;

/** Rows are printed as each day finishes, so every column gets this fixed width. */
const COLUMN_WIDTH = 10;

function line(row: readonly (string | number)[], index: 0 | 1): string {
  return formatTable(HEADERS, [row], COLUMN_WIDTH).split('\n')[index] ?? '';
}

/** The header line, with the columns as wide as every row's. */
export function formatDemoHeader(): string {
  return line(['2014-01-01', 0, 0, 0, 0, 0, 0, 0, 0], 0);
}

/**
 * One day's row: its counts, then the training's seconds, RMSE and skill, or `(N h)` while the
 * station has fewer hours than the demo trains on.
 *
 * @example formatDemoDay(day) // '2014-01-06     144 …'
 */
export function formatDemoDay(day: DemoDay): string {
  const t = day.training;
  const trained = t?.status === 'succeeded' || t?.status === 'failed';
  return line(
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
  );
}

/** The lines after the table: which station was trained, and each failed training. */
export function formatDemoNotes(days: readonly DemoDay[]): string[] {
  const notes: string[] = [];
  const station = days.findLast((d) => d.training)?.training?.station;
  if (station) {
    notes.push(
      `Trained ozone-forest for station ${printable(station)} once it had ${DEMO_MIN_HOURS / 24} days of hourly ozone ("(N h)": hours so far).`,
    );
  }
  for (const day of days) {
    if (day.training?.status === 'failed') {
      notes.push(
        `${day.day}: training failed: ${printableLines(day.training.error ?? 'see freshet runs')}`,
      );
    }
  }
  return notes;
}
