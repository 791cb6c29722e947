import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import { createFeatureTable } from '../../../../actions/lib/training/data/feature-table.ts';
import { buildFeatures, type FeatureSpec } from '../../../../actions/lib/training/data/features.ts';
import {
  selectTrainingData,
  type TrainingSelection,
} from '../../../../actions/lib/training/data/selection.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { at, HOUR, rejectsWithUsageError } from '../helpers.ts';
import { type DataRow, insertData, insertSeries, insertStation } from '../toar-fixture.ts';

/** The present the selections run at. */
const NOW = Date.parse('2030-01-01T00:00:00Z');

const T0 = at('2014-01-01T00:00:00Z');
const HOURS = 24 * 6;
// o3 is missing hours 30–32 and 100; no2 is missing hour 70; values are irregular decimals, so
// that float32 rounding shows.
const O3_GAPS = new Set([30, 31, 32, 100]);
const NO2_GAPS = new Set([70]);
const o3Value = (k: number) => 40 + 25 * Math.sin((2 * Math.PI * k) / 24) + (k % 7) * 0.37;
const no2Value = (k: number) => 12.3 + (k % 5) * 1.1;

const SPEC: FeatureSpec = {
  version: 1,
  target: 'o3',
  horizon: 2,
  lags: [0, 1, 2, 24],
  calendar: ['hour', 'dayofyear'],
  others: [{ variable: 'no2', lags: [0, 1] }],
};

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
let selection: TrainingSelection;
let stationWithoutNo2: TrainingSelection;

function hourlyRows(gaps: Set<number>, value: (k: number) => number): DataRow[] {
  return Array.from({ length: HOURS }, (_, k) => k)
    .filter((k) => !gaps.has(k))
    .map((k) => [new Date(T0 + k * HOUR).toISOString(), value(k)]);
}

beforeAll(async () => {
  db = await createTestDatabase('features');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client, silentLogger);
  const station = await insertStation(client, '50.1', '8.6', 'Frankfurt');
  await insertData(
    client,
    await insertSeries(client, station, 'o3', 60),
    hourlyRows(O3_GAPS, o3Value),
  );
  await insertData(
    client,
    await insertSeries(client, station, 'no2', 60),
    hourlyRows(NO2_GAPS, no2Value),
  );
  const window = { kind: 'range' as const, from: T0, to: T0 + HOURS * HOUR };
  selection = await selectTrainingData(
    client,
    { station: { kind: 'id', id: station }, variable: 'o3', window },
    { table: 'public.training_main', now: NOW },
  );
  const lonely = await insertStation(client, '1', '1', 'Lonely');
  await insertData(
    client,
    await insertSeries(client, lonely, 'o3', 60),
    hourlyRows(new Set(), o3Value),
  );
  stationWithoutNo2 = await selectTrainingData(
    client,
    { station: { kind: 'id', id: lonely }, variable: 'o3', window },
    { table: 'public.training_lonely', now: NOW },
  );
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('createFeatureTable', () => {
  it('holds exactly the rows buildFeatures computes in memory from the same data, row by row', async () => {
    const result = await createFeatureTable(client, {
      table: 'public.features_main',
      spec: SPEC,
      selection,
    });
    // Computed here from the training table and the no2 rows as inserted, not from the result.
    const training = await client.query(
      'SELECT datetime, value FROM public.training_main ORDER BY datetime',
    );
    const no2Rows = hourlyRows(NO2_GAPS, no2Value);
    const expected = buildFeatures(SPEC, {
      target: {
        times: training.rows.map((r) => r.datetime.getTime()),
        values: training.rows.map((r) => r.value),
      },
      others: { no2: { times: no2Rows.map((r) => at(r[0])), values: no2Rows.map((r) => r[1]) } },
    });
    expect(expected.nRows).toBeGreaterThan(50);
    expect(expected.skippedForGaps).toBeGreaterThan(0);
    expect(result.rows).toBe(expected.nRows);
    expect(result.skippedForGaps).toBe(expected.skippedForGaps);
    expect(result.names).toEqual(expected.names);

    const { rows } = await client.query('SELECT * FROM public.features_main ORDER BY datetime');
    expect(rows).toHaveLength(expected.nRows);
    rows.forEach((row, r) => {
      expect(Object.keys(row)).toEqual(['datetime', ...expected.names, 'target']);
      expect(row.datetime.getTime()).toBe(expected.times[r]);
      expected.names.forEach((name, j) => {
        // A `real` reads back as its shortest decimal; as a float32 it is the very value built.
        expect(Math.fround(row[name])).toBe(expected.x[r * expected.nFeatures + j]);
      });
      expect(row.target).toBe(expected.y[r]);
    });
  });

  it('stores features as real (float32) and the target as double precision', async () => {
    const { rows } = await client.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'features_main' ORDER BY ordinal_position`,
    );
    expect(rows.map((r) => r.data_type)).toEqual([
      'timestamp with time zone',
      ...Array(10).fill('real'),
      'double precision',
    ]);
  });

  it('refuses a spec whose target is not the selected variable', async () => {
    const error = await rejectsWithUsageError(
      createFeatureTable(client, {
        table: 'public.features_wrong',
        spec: { ...SPEC, target: 'no2', others: [] },
        selection,
      }),
    );
    expect(error.message).toBe(
      'features.target is no2 but the training data is o3: make them the same variable',
    );
  });

  it('refuses another variable the station has no hourly series of, and leaves no table behind', async () => {
    const error = await rejectsWithUsageError(
      createFeatureTable(client, {
        table: 'public.features_lonely',
        spec: SPEC,
        selection: stationWithoutNo2,
      }),
    );
    expect(error.message).toMatch(
      /has no no2 series averaged over 60 minutes or less; it has o3 \(60 min\)/,
    );
    const { rows } = await client.query("SELECT to_regclass('public.features_lonely') AS t");
    expect(rows[0].t).toBeNull();
  });
});
