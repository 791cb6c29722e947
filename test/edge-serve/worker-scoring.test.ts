// The Worker in workerd (Miniflare, over HTTP on 127.0.0.1) scoring with MLflow's protocol: every
// input format, CSV, content types, every malformed case, and predictions equal, bit for bit, to the
// training library's on the same rows.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFeatures, featureNames } from '../../actions/lib/training/data/features.ts';
import {
  parseModelJson,
  predictBatch,
  predictRow,
  type ServingForest,
} from '../../actions/lib/training/forest/index.ts';
import { type LocalWorker, startLocalWorker } from '../../edge-serve/local/local-worker.ts';
import { bundleOf, EXAMPLE_SPEC, ozoneSeries, trainExample } from './model-fixture.ts';

const NAME = 'ozone-forest';

/** A scoring answer: predictions, or an error. */
interface Answer {
  readonly predictions: number[];
  readonly error_code: string;
  readonly message: string;
}
let worker: LocalWorker;
/** The bundle's temporary folder. */
let temporary: string | undefined;
let model: ServingForest;
/** Feature rows of unseen data, float32 (as buildFeatures makes them). */
let rows: number[][];

beforeAll(async () => {
  const v1 = trainExample({ name: NAME, version: 1, hours: 24 * 60, trees: 20 });
  const { root, registry, bundle } = await bundleOf([v1], { [NAME]: { production: 1 } });
  temporary = root;
  model = parseModelJson(await readFile(join(registry, NAME, '1', 'model.json'), 'utf8'));
  const matrix = buildFeatures(EXAMPLE_SPEC, { target: ozoneSeries(24 * 5, 99) });
  rows = [];
  for (let r = 0; r < matrix.nRows; r++) {
    rows.push([...matrix.x.subarray(r * matrix.nFeatures, (r + 1) * matrix.nFeatures)]);
  }
  worker = await startLocalWorker({ assetsDir: bundle });
});
afterAll(async () => {
  await worker?.dispose();
  if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
});

async function post(path: string, body: string, contentType = 'application/json') {
  const response = await fetch(new URL(path, worker.url), {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Answer,
  };
}

const score = (body: unknown, path = '/invocations') => post(path, JSON.stringify(body));

function libraryPredictions(matrix: readonly (readonly number[])[]): number[] {
  const x = new Float32Array(matrix.flat());
  return [...predictBatch(model, x, matrix.length)];
}

/** Rows as objects by feature name, columns in reverse order plus an extra column. */
function records(matrix: readonly (readonly number[])[]) {
  return matrix.map((row) => {
    const record: Record<string, number> = { station_id: 7 };
    for (const j of model.inputs.keys()) {
      const name = model.inputs[model.inputs.length - 1 - j] ?? '';
      record[name] = row[model.inputs.length - 1 - j] ?? Number.NaN;
    }
    return record;
  });
}

describe('POST /invocations: the input formats', () => {
  it('dataframe_split by column name, with index and extra columns, equals the library bit for bit', async () => {
    const columns = ['extra', ...[...model.inputs].reverse()];
    const data = rows.map((row) => [1, ...[...row].reverse()]);
    const { status, json } = await score({
      dataframe_split: { columns, index: rows.map((_, i) => i), data },
    });
    expect(status).toBe(200);
    expect(json).toEqual({ predictions: libraryPredictions(rows) });
    expect(json.predictions).toHaveLength(rows.length);
  });

  it('dataframe_split without columns matches by position', async () => {
    const { json } = await score({ dataframe_split: { data: rows } });
    expect(json.predictions).toEqual(libraryPredictions(rows));
  });

  it('dataframe_records, instances (lists and objects) and inputs (rows and columns) agree', async () => {
    const expected = libraryPredictions(rows);
    const columnar = Object.fromEntries(
      model.inputs.map((name, j) => [name, rows.map((r) => r[j])]),
    );
    for (const body of [
      { dataframe_records: records(rows) },
      { instances: rows },
      { instances: records(rows) },
      { inputs: rows },
      { inputs: columnar },
      { inputs: rows, params: { temperature: 1 }, unknown_key: true },
    ]) {
      const { status, json } = await score(body);
      expect({ body: Object.keys(body), status }).toEqual({ body: Object.keys(body), status: 200 });
      expect(json.predictions).toEqual(expected);
    }
  });

  it('rounds features to float32 before comparing, as the library does', async () => {
    // Doubles that are not float32 values: the Worker must round them exactly as predictRow does.
    const raw = rows.slice(0, 20).map((row, r) => row.map((v, j) => v + (r + j + 1) * 1.37e-7));
    const { json } = await score({ instances: raw });
    expect(json.predictions).toEqual(raw.map((row) => predictRow(model, row)));
  });

  it('reads text/csv with a header row, any column order, charset=utf-8 in any case', async () => {
    const header = ['id', ...[...model.inputs].reverse()].join(',');
    const lines = rows.map((row, i) => [String(i), ...[...row].reverse().map(String)].join(','));
    const csv = `${header}\r\n${lines.join('\r\n')}\r\n`;
    const { status, json } = await post('/invocations', csv, 'text/csv; charset=UTF-8');
    expect(status).toBe(200);
    expect(json.predictions).toEqual(libraryPredictions(rows));
    const quoted = `"${model.inputs.join('","')}"\n${rows[0]?.join(',')}\n`;
    expect((await post('/invocations', quoted, 'text/csv')).json.predictions).toEqual(
      libraryPredictions(rows.slice(0, 1)),
    );
  });

  it('answers an empty frame with no predictions', async () => {
    expect(
      (await score({ dataframe_split: { columns: [...model.inputs], data: [] } })).json,
    ).toEqual({ predictions: [] });
  });
});

describe('POST /invocations: malformed input is a 400 that says what is wrong', () => {
  // Built before the model is: any 11 numbers (the example's features) will do.
  const NAMES = featureNames(EXAMPLE_SPEC);
  const row = () => [30, 31, 32, 33, 30, 25, 20, 0.5, 0.87, 0.1, 0.99];
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"instances": [', /the body is not valid JSON/],
    ['not an object', '[[1, 2]]', /must be a JSON object .* got a list/],
    ['no input field', '{"data": [[1]]}', /exactly one of .* it has none \(keys: data\)/],
    [
      'two input fields',
      JSON.stringify({ instances: [row()], inputs: [row()] }),
      /it has instances and inputs/,
    ],
    [
      'dataframe_split not an object',
      JSON.stringify({ dataframe_split: [row()] }),
      /dataframe_split must be an object/,
    ],
    ['data not a list', JSON.stringify({ dataframe_split: { data: 3 } }), /data must be a list/],
    [
      'ragged rows',
      JSON.stringify({ dataframe_split: { data: [row(), row().slice(1)] } }),
      /row 1 has 10 values, but the model has features 11/,
    ],
    [
      'ragged rows against columns',
      JSON.stringify({ dataframe_split: { columns: NAMES, data: [row(), row().slice(2)] } }),
      /row 1 has 9 values, but the columns name 11/,
    ],
    [
      'missing feature columns',
      JSON.stringify({ dataframe_split: { columns: ['o3_lag0', 'x'], data: [[1, 2]] } }),
      /the columns lack the feature columns "o3_lag1", "o3_lag2"/,
    ],
    [
      'a record missing a feature',
      JSON.stringify({ dataframe_records: [{ o3_lag0: 1 }] }),
      /row 0 lacks the feature columns "o3_lag1"/,
    ],
    [
      'a non-numeric value',
      JSON.stringify({ instances: [[...row().slice(1), 'high']] }),
      /row 0, column "doy_cos": "high" is not a number/,
    ],
    [
      'null (NaN)',
      JSON.stringify({ instances: [[null, ...row().slice(1)]] }),
      /row 0, column "o3_lag0": null is not a number/,
    ],
    [
      'an index of another length',
      JSON.stringify({ dataframe_split: { index: [0, 1], data: [row()] } }),
      /index must be a list as long as data \(1 rows\), got 2 entries/,
    ],
    ['instances not a list', JSON.stringify({ instances: 5 }), /instances must be a list, got 5/],
    [
      'inputs columns of two lengths',
      JSON.stringify({ inputs: { o3_lag0: [1, 2], o3_lag1: [1] } }),
      /every column must hold as many values/,
    ],
    [
      'mixed rows',
      JSON.stringify({ instances: [row(), { o3_lag0: 1 }] }),
      /row 1 must be a list of 11 values, got an object/,
    ],
    [
      'params not an object',
      JSON.stringify({ instances: [row()], params: 3 }),
      /params must be an object/,
    ],
  ];
  for (const [what, body, message] of cases) {
    it(what, async () => {
      const { status, json } = await post('/invocations', body);
      expect(status).toBe(400);
      expect(json.error_code).toBe('BAD_REQUEST');
      expect(json.message).toMatch(message);
    });
  }

  it('refuses bad CSV: empty body, a short line, a non-number, an empty field', async () => {
    const header = model.inputs.join(',');
    const good = rows[0]?.join(',') ?? '';
    for (const [csv, message] of [
      ['', /the CSV body is empty/],
      [`${header}\n1,2\n`, /CSV line 2 has 2 fields, but the header names 11 columns/],
      [
        `${header}\n${good}\n${good.replace(/^[^,]+/, 'abc')}\n`,
        /CSV line 3, column "o3_lag0": "abc" is not a number/,
      ],
      [`${header}\n${good.replace(/^[^,]+/, '')}\n`, /an empty field \(NaN\) is not a number/],
      [`a,b\n1,2\n`, /the columns lack the feature columns "o3_lag0"/],
    ] as const) {
      const { status, json } = await post('/invocations', csv, 'text/csv');
      expect({ csv, status }).toEqual({ csv, status: 400 });
      expect(json.message).toMatch(message);
    }
  });
});

describe('POST /invocations: content types', () => {
  it('answers 415 for other types, other charsets and other parameters', async () => {
    const body = JSON.stringify({ instances: rows.slice(0, 1) });
    for (const [type, message] of [
      ['text/plain', /content type "text\/plain" is not supported/],
      ['application/json; charset=latin-1', /charset "latin-1" is not supported/],
      ['application/json; format=pandas-split', /parameter "format" is not supported/],
      ['', /content type \(none\)|not supported/],
    ] as const) {
      const { status, json } = await post('/invocations', body, type);
      expect({ type, status }).toEqual({ type, status: 415 });
      expect(json).toMatchObject({ error_code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(json.message).toMatch(message);
    }
  });
});

describe('limits', () => {
  it('answers 413 for more than 10,000 rows', async () => {
    const many = Array.from({ length: 10_001 }, () => [1]);
    const { status, json } = await score({ dataframe_split: { columns: ['o3_lag0'], data: many } });
    expect(status).toBe(413);
    expect(json).toEqual({
      error_code: 'REQUEST_LIMIT_EXCEEDED',
      message: '10001 rows is more than the 10000 a request may hold',
    });
  });

  it('takes 10,000 rows under 1 MB', async () => {
    const data = Array.from({ length: 10_000 }, (_, i) => rows[i % rows.length] ?? []);
    const csv = `${model.inputs.join(',')}\n${data.map((r) => r.map((v) => v.toPrecision(6)).join(',')).join('\n')}`;
    expect(csv.length).toBeLessThan(1_000_000);
    const { status, json } = await post('/invocations', csv, 'text/csv');
    expect(status).toBe(200);
    expect(json.predictions).toHaveLength(10_000);
  });
  it('answers 413 for a body over 1 MB, before reading it as JSON', async () => {
    // Through Miniflare's own dispatcher: the Worker answers before reading the body, and the
    // connection it then closes must not be one that other tests' fetches reuse.
    const response = await worker.miniflare.dispatchFetch(new URL('/invocations', worker.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"instances": [${'1,'.repeat(600_000)}1]}`,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error_code: 'REQUEST_LIMIT_EXCEEDED',
      message: 'the body is larger than 1000000 bytes',
    });
  });
});
