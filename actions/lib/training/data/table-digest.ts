// The training table's fingerprint: sha256 over its rows in time order as `datetime,value,n` lines.
import { createHash } from 'node:crypto';
import { formatHour } from './hours.ts';

/** One row of the training table. */
export interface TrainingRow {
  /** Start of the hour, epoch ms. */
  readonly datetime: number;
  /** Mean of the hour's unflagged values. */
  readonly value: number;
  /** How many values the mean is of. */
  readonly n: number;
}

/**
 * A row as its digest line: the hour as `YYYY-MM-DDTHH:MM:SSZ`, the value as JavaScript's
 * `String(number)` (the shortest text that reads back as the same double), the count, and `\n`.
 *
 * @example digestLine({ datetime: Date.UTC(2014, 0, 1), value: 31.25, n: 4 }) === '2014-01-01T00:00:00Z,31.25,4\n'
 */
export function digestLine(row: TrainingRow): string {
  return `${formatHour(row.datetime)},${String(row.value)},${row.n}\n`;
}

/**
 * Hex sha256 of the rows, taken in the order given (callers give time order), each as its
 * {@link digestLine}; every line ends with `\n`, so no rows hash as the empty string.
 */
export function trainingRowsSha256(rows: Iterable<TrainingRow>): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(digestLine(row));
  return hash.digest('hex');
}
