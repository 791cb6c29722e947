// Hourly selection with archive series (DESIGN.md: "Hourly selection for training treats archive
// series like series of at most 60 minutes; an archive row belongs to the hour that ends at its
// datetime"), mixed with a real-time 15-minute series of the same station and variable.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import { selectTrainingData } from '../../../../actions/lib/training/data/selection.ts';
import type { SelectionRequest } from '../../../../actions/lib/training/data/selection-request.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { at, HOUR } from '../helpers.ts';
import { type DataRow, insertData, insertSeries, insertStation } from '../toar-fixture.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
let station: number;
let tables = 0;

async function insertArchiveSeries(stationId: number, variable: string, sensor: string) {
  const { rows } = await client.query(
    `INSERT INTO toar.timeseries (station_id, variable_id, averaging_minutes, label, data_origin)
     SELECT $1, id, NULL, $3, 'openaq-archive' FROM toar.variables WHERE name = $2 RETURNING id`,
    [stationId, variable, sensor],
  );
  return Number(rows[0].id);
}

// Sensor 3919: hourly rows marking the end of their hour. Sensor 3920: the same hours, another
// instrument. A 15-minute real-time series starts its periods at its datetime.
const SENSOR_3919: DataRow[] = [
  ['2024-03-01T00:00:00Z', 100], // the hour from 23:00 of the day before: outside the window
  ['2024-03-01T01:00:00Z', 10], // hour 00
  ['2024-03-01T01:30:00Z', 99, 1], // flagged: never counted
  ['2024-03-01T02:00:00Z', 20], // hour 01
  ['2024-03-01T03:00:00Z', 30], // hour 02, the window's end: outside
];
const SENSOR_3920: DataRow[] = [
  ['2024-03-01T01:00:00Z', 12], // hour 00
  ['2024-03-01T00:30:00Z', 8], // a half-hour period ending 00:30: hour 00
];
const REALTIME_15: DataRow[] = [['2024-03-01T00:15:00Z', 14]]; // hour 00

const request = (overrides: Partial<SelectionRequest> = {}): SelectionRequest => ({
  station: { kind: 'id', id: station },
  variable: 'pm10',
  window: { kind: 'range', from: at('2024-03-01T00:00:00Z'), to: at('2024-03-01T02:00:00Z') },
  ...overrides,
});

beforeAll(async () => {
  db = await createTestDatabase('selarchive');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client, silentLogger);
  station = await insertStation(client, '35.1353', '-106.5847', 'Del Norte');
  await insertData(client, await insertArchiveSeries(station, 'pm10', '3919'), SENSOR_3919);
  await insertData(client, await insertArchiveSeries(station, 'pm10', '3920'), SENSOR_3920);
  await insertData(client, await insertSeries(client, station, 'pm10', 15), REALTIME_15);
  // Another variable's sensor stays out.
  await insertData(client, await insertArchiveSeries(station, 'o3', '3917'), [
    ['2024-03-01T01:00:00Z', 1000],
  ]);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('selecting archive series', () => {
  it('puts each archive row in the hour that ends at its datetime, averaging every sensor and real-time row', async () => {
    const table = `public.archive_training_${++tables}`;
    const selection = await selectTrainingData(client, request(), { table, now: Date.now() });
    expect(selection.seriesIds).toHaveLength(3);
    const { rows } = await client.query(
      `SELECT datetime, value, n FROM ${table} ORDER BY datetime`,
    );
    expect(rows.map((r) => [r.datetime.toISOString(), r.value, r.n])).toEqual([
      // 3919's 10 and 3920's 12 (ending 01:00), 3920's 8 (ending 00:30), the real-time 14 (00:15).
      ['2024-03-01T00:00:00.000Z', (8 + 10 + 12 + 14) / 4, 4],
      ['2024-03-01T01:00:00.000Z', 20, 1],
    ]);
  });

  it('ends a default window at the end of the hour the newest archive row closes', async () => {
    const table = `public.archive_training_${++tables}`;
    const selection = await selectTrainingData(
      client,
      request({ window: { kind: 'last', durationMs: 2 * HOUR } }),
      { table, now: Date.parse('2024-03-02T00:00:00Z') },
    );
    // The newest unflagged row ends at 03:00: it closes the hour from 02:00, so the window ends at 03:00.
    expect(new Date(selection.to).toISOString()).toBe('2024-03-01T03:00:00.000Z');
    expect(selection.rows).toBe(2);
  });
});
