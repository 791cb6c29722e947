// The demo's table, printed a row at a time as each day finishes, in plain ASCII: the original
// evaluation's tasks in seconds, then the day's records, the database's size, the training rows,
// the version's RMSE and skill, and the version published (`*`: it became production). Pure.
import { printable, printableLines } from '../util/printable.ts';
import type { DemoDay, DemoResult, DemoWarmUp } from './demo.ts';

/** The columns: header and width (every cell is right-aligned to it but the day's). */
const COLUMNS = [
  ['day', 10],
  ['download', 8],
  ['load', 6],
  ['selection', 9],
  ['training', 8],
  ['publication', 11],
  ['records', 8],
  ['db rows', 9],
  ['train rows', 10],
  ['rmse', 6],
  ['skill', 6],
  ['version', 7],
] as const;

/** The table's headers, in order (the first is `day`). */
export const DEMO_HEADERS: readonly string[] = COLUMNS.map(([header]) => header);

function line(cells: readonly string[]): string {
  return COLUMNS.map(([, width], i) => {
    const cell = printable(cells[i] ?? '');
    return i === 0 ? cell.padEnd(width) : cell.padStart(width);
  })
    .join('  ')
    .trimEnd();
}

const fixed = (value: number | null, digits: number) =>
  value === null ? '-' : value.toFixed(digits);

/** The header line. */
export function formatDemoHeader(): string {
  return line(DEMO_HEADERS);
}

/**
 * One day's row.
 *
 * @example formatDemoDay(day) // '2014-01-01      0.02    2.10       0.05      1.31         0.40  …  v1*'
 */
export function formatDemoDay(day: DemoDay): string {
  return line([
    day.day,
    fixed(day.download, 2),
    fixed(day.load, 2),
    fixed(day.selection, 2),
    fixed(day.training, 2),
    fixed(day.publication, 2),
    String(day.records),
    String(day.database_rows),
    day.training_rows === null ? '-' : String(day.training_rows),
    fixed(day.rmse, 3),
    fixed(day.skill, 3),
    day.version === null ? '-' : `v${day.version}${day.promoted ? '*' : ''}`,
  ]);
}

/** The line before the table: the warm-up and the station trained on. */
export function formatWarmUp(warmUp: DemoWarmUp): string {
  const station = warmUp.station
    ? `training on the station with the most ozone, ${printable(warmUp.station)}`
    : 'no station has ozone';
  return `Warm-up: ${warmUp.days} days before the first, ${warmUp.records} records in ${warmUp.seconds} s; ${station}.`;
}

/** The lines after the table: what the columns mean, and each day's failure. */
export function formatDemoNotes(result: Pick<DemoResult, 'days'>): string[] {
  const notes = [
    "Seconds per task: download lists the day's objects on the S3 API server (reading them is streamed into the load); load reads, converts and loads them; selection selects the station's hourly ozone and its features; training runs the project; publication publishes the version and decides its promotion.",
    'db rows: rows of toar.data after the day. version: the one published that day, * when it became production (the first one, then one that beats production on the test window both predicted).',
  ];
  for (const day of result.days) {
    if (day.error !== null) notes.push(`${day.day}: ${printableLines(day.error)}`);
  }
  return notes;
}
