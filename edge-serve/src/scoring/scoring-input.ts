// MLflow's scoring protocol, the JSON half: a parsed request body → the feature matrix a forest
// predicts. MLflow's scoring server (mlflow/pyfunc/scoring_server) accepts a JSON object with exactly
// one of dataframe_split, dataframe_records, instances or inputs (and optional params); columns are
// matched by name when names are given (extra columns ignored), by position otherwise. Pure.
import { badRequest, HttpProblem } from '../http-problem.ts';

/** The four input fields; a request names exactly one. */
export const INPUT_FORMATS = [
  'dataframe_split',
  'dataframe_records',
  'instances',
  'inputs',
] as const;

/** The rows of a request, before they are checked against the model's features. */
export type RowSource =
  /** Rows of values, each in the order of `columns` (or of the model's features when null). */
  | { readonly kind: 'rows'; readonly columns: readonly string[] | null; readonly rows: unknown[] }
  /** One object per row, values by column name. */
  | { readonly kind: 'records'; readonly records: unknown[] }
  /** Whole columns by name, all of one length. */
  | { readonly kind: 'columns'; readonly columns: Readonly<Record<string, unknown[]>> };

/** A feature matrix ready for the forest: row-major, float32 (the rounding the forest compares with). */
export interface FeatureRows {
  readonly x: Float32Array;
  readonly nRows: number;
}

/**
 * Reads a scoring request's JSON body into its rows (not yet checked against a model).
 *
 * @throws HttpProblem 400 naming what is wrong: not an object, zero or several input fields,
 *   a field of the wrong shape, an `index` whose length differs from the rows, `params` not an object
 * @example
 * readJsonInput({ dataframe_split: { columns: ['a', 'b'], data: [[1, 2]] } })
 * // { kind: 'rows', columns: ['a', 'b'], rows: [[1, 2]] }
 */
export function readJsonInput(body: unknown): RowSource {
  if (!isObject(body)) {
    throw badRequest(
      `the body must be a JSON object with exactly one of ${INPUT_FORMATS.join(', ')}; got ${kindOf(body)}`,
    );
  }
  const present = INPUT_FORMATS.filter((key) => Object.hasOwn(body, key));
  if (present.length !== 1) {
    throw badRequest(
      `the body must have exactly one of ${INPUT_FORMATS.join(', ')}; it has ${present.length === 0 ? 'none' : present.join(' and ')} (keys: ${Object.keys(body).join(', ') || 'none'})`,
    );
  }
  // Unknown parameters are ignored, as MLflow ignores those a model's signature does not declare.
  if (body.params !== undefined && body.params !== null && !isObject(body.params)) {
    throw badRequest(`params must be an object of parameter values, got ${kindOf(body.params)}`);
  }
  const format = present[0];
  const value = format === undefined ? undefined : body[format];
  switch (format) {
    case 'dataframe_split':
      return readSplit(value);
    case 'dataframe_records':
      if (!Array.isArray(value)) {
        throw badRequest(`dataframe_records must be a list of objects, got ${kindOf(value)}`);
      }
      return { kind: 'records', records: value };
    case 'instances':
    case 'inputs':
      return readTensorInput(format, value);
    default:
      throw badRequest('no input field');
  }
}

function readSplit(value: unknown): RowSource {
  if (!isObject(value)) {
    throw badRequest(
      `dataframe_split must be an object with columns, data and an optional index, got ${kindOf(value)}`,
    );
  }
  const { columns, data, index } = value;
  if (!Array.isArray(data)) {
    throw badRequest(`dataframe_split.data must be a list of rows, got ${kindOf(data)}`);
  }
  if (columns !== undefined && !isStringList(columns)) {
    throw badRequest('dataframe_split.columns must be a list of column names');
  }
  if (index !== undefined && (!Array.isArray(index) || index.length !== data.length)) {
    throw badRequest(
      `dataframe_split.index must be a list as long as data (${data.length} rows), got ${Array.isArray(index) ? `${index.length} entries` : kindOf(index)}`,
    );
  }
  return { kind: 'rows', columns: columns ?? null, rows: data };
}

function readTensorInput(format: 'instances' | 'inputs', value: unknown): RowSource {
  if (format === 'inputs' && isObject(value)) {
    const columns: Record<string, unknown[]> = {};
    let length: number | undefined;
    for (const [name, column] of Object.entries(value)) {
      if (!Array.isArray(column)) {
        throw badRequest(`inputs.${name} must be a list of values, got ${kindOf(column)}`);
      }
      if (length !== undefined && column.length !== length) {
        throw badRequest(
          `inputs: every column must hold as many values; ${name} has ${column.length}, others ${length}`,
        );
      }
      length = column.length;
      columns[name] = column;
    }
    return { kind: 'columns', columns };
  }
  if (!Array.isArray(value)) {
    const expected = format === 'inputs' ? 'a list of rows or an object of columns' : 'a list';
    throw badRequest(`${format} must be ${expected}, got ${kindOf(value)}`);
  }
  const first = value[0];
  if (isObject(first)) return { kind: 'records', records: value };
  return { kind: 'rows', columns: null, rows: value };
}

/**
 * Builds the float32 matrix of `source` in the order of `features`: by name when the request
 * names its columns (extra columns ignored), else by position.
 *
 * @param label how the messages name the input (e.g. `dataframe_split`)
 * @throws HttpProblem 400 for ragged rows, missing feature columns, non-numeric values (NaN and
 *   null included); 413 for more than `maxRows` rows
 * @example toFeatureRows({ kind: 'rows', columns: null, rows: [[1, 2]] }, ['a', 'b'], 10_000)
 */
export function toFeatureRows(
  source: RowSource,
  features: readonly string[],
  maxRows: number,
): FeatureRows {
  const nRows = rowCount(source);
  if (nRows > maxRows) {
    throw new HttpProblem(413, `${nRows} rows is more than the ${maxRows} a request may hold`);
  }
  const width = features.length;
  const x = new Float32Array(nRows * width);
  const put = (r: number, j: number, value: unknown) => {
    x[r * width + j] = numberAt(value, r, features[j] ?? String(j));
  };
  switch (source.kind) {
    case 'rows': {
      const positions = source.columns === null ? null : columnPositions(source.columns, features);
      const expected = source.columns === null ? width : source.columns.length;
      source.rows.forEach((row, r) => {
        if (!Array.isArray(row)) {
          throw badRequest(`row ${r} must be a list of ${expected} values, got ${kindOf(row)}`);
        }
        if (row.length !== expected) {
          const what = source.columns === null ? 'the model has features' : 'the columns name';
          throw badRequest(
            `row ${r} has ${row.length} values, but ${what} ${expected}: rows must all be that long`,
          );
        }
        for (let j = 0; j < width; j++)
          put(r, j, row[positions === null ? j : (positions[j] ?? j)]);
      });
      break;
    }
    case 'records':
      source.records.forEach((record, r) => {
        if (!isObject(record)) {
          throw badRequest(`row ${r} must be an object of column values, got ${kindOf(record)}`);
        }
        const missing = features.filter((name) => !Object.hasOwn(record, name));
        if (missing.length > 0) throw missingColumns(missing, `row ${r}`);
        for (let j = 0; j < width; j++) put(r, j, record[features[j] ?? '']);
      });
      break;
    case 'columns': {
      const missing = features.filter((name) => !Object.hasOwn(source.columns, name));
      if (missing.length > 0) throw missingColumns(missing, 'inputs');
      for (let j = 0; j < width; j++) {
        const column = source.columns[features[j] ?? ''] ?? [];
        for (let r = 0; r < nRows; r++) put(r, j, column[r]);
      }
      break;
    }
  }
  return { x, nRows };
}

function rowCount(source: RowSource): number {
  if (source.kind === 'rows') return source.rows.length;
  if (source.kind === 'records') return source.records.length;
  const first = Object.values(source.columns)[0];
  return first === undefined ? 0 : first.length;
}

/** Where each feature is among the request's columns. */
function columnPositions(columns: readonly string[], features: readonly string[]): number[] {
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate !== undefined)
    throw badRequest(`column ${JSON.stringify(duplicate)} appears twice`);
  const positions = features.map((name) => columns.indexOf(name));
  const missing = features.filter((_, j) => positions[j] === -1);
  if (missing.length > 0) throw missingColumns(missing, 'the columns');
  return positions;
}

function missingColumns(missing: readonly string[], where: string): HttpProblem {
  return badRequest(
    `${where} lack${where.startsWith('the') ? '' : 's'} the feature column${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')} that the model needs`,
  );
}

function numberAt(value: unknown, row: number, column: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const shown = value === undefined ? 'missing' : `${kindOf(value)}`;
  throw badRequest(
    `row ${row}, column ${JSON.stringify(column)}: ${shown} is not a number (values must be finite numbers; NaN and null are refused)`,
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a JSON value for messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value);
  }
  return String(value);
}
