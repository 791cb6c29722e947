// A run's predictions.csv: `time,observed,predicted`, one line per test row, as the example projects
// write it (training/ozone-forest/artifacts.ts, training/ozone-sklearn/train.py). Optional: a
// project that writes none simply gets no chart. Parsing is pure; readRunPredictions reads the file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';

/** The file's name in a run's artifacts. */
export const PREDICTIONS_FILE = 'predictions.csv';

/** The columns it must have (others are ignored). */
const PREDICTION_COLUMNS = ['time', 'observed', 'predicted'] as const;

/** One test row. */
export interface Prediction {
  /** The hour predicted, as written (`2014-01-02T05:00:00Z`). */
  readonly time: string;
  readonly observed: number;
  readonly predicted: number;
}

/** Bad lines listed at most in one error: the rest are counted. */
const MAX_LISTED = 5;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses predictions.csv: a header naming `time`, `observed` and `predicted` (in any order, among
 * other columns), then one line per row; blank lines are skipped. Values are plain: no quoting.
 *
 * @throws UsageError naming the missing columns, or the first bad lines (number and why)
 * @example
 * parsePredictionsCsv('time,observed,predicted\n2014-01-02T00:00:00Z,31,29.5\n')
 * // [{ time: '2014-01-02T00:00:00Z', observed: 31, predicted: 29.5 }]
 */
export function parsePredictionsCsv(text: string): Prediction[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((name) => name.trim());
  const missing = PREDICTION_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new UsageError(
      `${PREDICTIONS_FILE} has no column ${missing.join(', ')}: its first line must name ${PREDICTION_COLUMNS.join(',')}`,
    );
  }
  const [time = -1, observed = -1, predicted = -1] = PREDICTION_COLUMNS.map((name) =>
    header.indexOf(name),
  );
  const rows: Prediction[] = [];
  const problems: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (i === 0) continue; // the header
    if (line.trim() === '') continue;
    const cells = line.split(',').map((cell) => cell.trim());
    const number = (column: number) => {
      const cell = cells[column] ?? '';
      return NUMBER.test(cell) ? Number(cell) : Number.NaN;
    };
    const row = {
      time: cells[time] ?? '',
      observed: number(observed),
      predicted: number(predicted),
    };
    if (row.time === '' || !Number.isFinite(row.observed) || !Number.isFinite(row.predicted)) {
      problems.push(
        `${PREDICTIONS_FILE} line ${i + 1} ${JSON.stringify(line.slice(0, 80))} needs a time and two finite numbers`,
      );
    } else rows.push(row);
  }
  if (problems.length > 0) {
    const more = problems.length - MAX_LISTED;
    throw new UsageError([
      ...problems.slice(0, MAX_LISTED),
      ...(more > 0 ? [`${PREDICTIONS_FILE}: ${more} more bad lines`] : []),
    ]);
  }
  return rows;
}

/** What a run's folder holds of predictions. */
export type RunPredictions =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] }
  | { readonly kind: 'read'; readonly rows: readonly Prediction[] };

/**
 * Reads predictions.csv from a run's artifacts folder. Never throws for the file's sake: a missing
 * or malformed file is a value the summary reports, not a reason to fail a finished run.
 *
 * @example const predictions = await readRunPredictions(result.artifactsDir);
 */
export async function readRunPredictions(artifactsDir: string): Promise<RunPredictions> {
  let text: string;
  try {
    text = await readFile(join(artifactsDir, PREDICTIONS_FILE), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return {
      kind: 'invalid',
      problems: [`${PREDICTIONS_FILE} cannot be read: ${(error as Error).message}`],
    };
  }
  try {
    return { kind: 'read', rows: parsePredictionsCsv(text) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { kind: 'invalid', problems: error.problems };
  }
}
