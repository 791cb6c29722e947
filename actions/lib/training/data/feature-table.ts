// The feature table: buildFeatures' rows materialised in the database, so that a project in any
// language trains on exactly the numbers the Worker will compute (DESIGN.md, Training projects).
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DatabaseError, FreshetError, UsageError } from '../../errors.ts';
import {
  buildFeatures,
  type FeatureMatrix,
  type FeatureSpec,
  type HourlySeries,
  parseFeatureSpec,
} from './features.ts';
import { formatHour } from './hours.ts';
import { findHourlySeries, readHourlyMeans, type TrainingSelection } from './selection.ts';
import { quoteTableName } from './table-name.ts';

/** What {@link createFeatureTable} wrote. */
export interface FeatureTable {
  readonly table: string;
  /** The feature columns in order (between `datetime` and `target`). */
  readonly names: readonly string[];
  readonly rows: number;
  /** Issue times left out because an observation was missing (see `buildFeatures`). */
  readonly skippedForGaps: number;
  /** The rows, as built in memory (the table holds exactly these). */
  readonly matrix: FeatureMatrix;
}

/**
 * The feature table's definition: `datetime` (the issue time) as primary key, one `real` column
 * per feature (float32, as every model compares them), and `target` (the label, double precision).
 */
function featureTableDdl(table: string, names: readonly string[]): string {
  const columns = names.map((name) => `"${name}" real NOT NULL`);
  return `CREATE TABLE ${quoteTableName(table)} (
  datetime timestamptz PRIMARY KEY,
  ${[...columns, 'target double precision NOT NULL'].join(',\n  ')}
)`;
}

/**
 * The matrix as COPY text, one line per row. `String` of a float32 (held in a double) is exact, and
 * PostgreSQL's `real` input rounds it to that same float32; `String` of a double reads back exactly.
 */
function featureTableCopyText(matrix: FeatureMatrix): string {
  const lines: string[] = [];
  const { nFeatures, x, y, times } = matrix;
  for (let r = 0; r < matrix.nRows; r++) {
    const cells = [formatHour(times[r]!)]; // a matrix has nRows times
    for (let j = 0; j < nFeatures; j++) cells.push(String(x[r * nFeatures + j]));
    cells.push(String(y[r]));
    lines.push(`${cells.join('\t')}\n`);
  }
  return lines.join('');
}

async function copyInto(client: pg.ClientBase, table: string, text: string): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${quoteTableName(table)} FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(text);
  });
}

/**
 * Builds the features of a training selection with {@link buildFeatures} — the target from the
 * selection's rows, other variables' hourly means of the same station and window read the same way
 * — and writes them into a new table `table` (see {@link featureTableDdl}) in one transaction.
 *
 * @throws UsageError when the spec is invalid, its target is not the selection's variable, or the
 *   station has no usable series of another variable; DatabaseError when the database refuses
 * @example
 * const features = await createFeatureTable(client, { table: names.features, spec, selection });
 * features.names; features.rows; features.skippedForGaps
 */
export async function createFeatureTable(
  client: pg.ClientBase,
  options: { table: string; spec: FeatureSpec; selection: TrainingSelection },
): Promise<FeatureTable> {
  const { table, selection } = options;
  const spec = parseFeatureSpec(options.spec);
  quoteTableName(table);
  if (spec.target !== selection.variable) {
    throw new UsageError(
      `features.target is ${spec.target} but the training data is ${selection.variable}: make them the same variable`,
    );
  }
  try {
    const others: Record<string, HourlySeries> = {};
    for (const { variable } of spec.others ?? []) {
      const ids = await findHourlySeries(client, selection.station, variable);
      const rows = await readHourlyMeans(client, ids, selection.from, selection.to);
      others[variable] = {
        times: rows.map((r) => r.datetime),
        values: rows.map((r) => r.value),
      };
    }
    const matrix = buildFeatures(spec, { target: selection.series, others });
    await client.query('BEGIN');
    try {
      await client.query(featureTableDdl(table, matrix.names));
      await copyInto(client, table, featureTableCopyText(matrix));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    return {
      table,
      names: matrix.names,
      rows: matrix.nRows,
      skippedForGaps: matrix.skippedForGaps,
      matrix,
    };
  } catch (error) {
    if (error instanceof FreshetError) throw error;
    throw new DatabaseError(`creating the feature table ${table} failed`, { cause: error });
  }
}
