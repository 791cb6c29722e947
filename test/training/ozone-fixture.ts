// A station with a year of hourly ozone-like data, for the example projects' tests: a diurnal cycle
// (afternoon peak, stronger in summer), a seasonal one, weather as an AR(1) process, measurement
// noise, and a few gaps. Deterministic per seed; written straight into a migrated test database.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import {
  selectTrainingData,
  type TrainingSelection,
} from '../../actions/lib/training/data/selection.ts';
import { createRandom } from '../../actions/lib/training/forest/random.ts';
import {
  type DataRow,
  insertData,
  insertSeries,
  insertStation,
} from '../lib/training/toar-fixture.ts';

export const HOUR = 3_600_000;
/** The first hour of the generated data. */
export const START = Date.UTC(2014, 0, 1);

/** The repository's training/ folder. */
export const TRAINING_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../training');

/**
 * Hourly ozone (ppb) from `START`: `hours` values, with hours in `gaps` left out.
 *
 * @example ozoneRows(24 * 365, 7, new Set([100, 101]))
 */
export function ozoneRows(hours: number, seed: number, gaps: ReadonlySet<number> = new Set()) {
  const random = createRandom(seed);
  const uniform = () => random.nextUint32() / 0x1_0000_0000;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const rows: DataRow[] = [];
  let weather = 0;
  for (let t = 0; t < hours; t++) {
    const season = Math.sin((2 * Math.PI * (t / 24 - 80)) / 365);
    const cycle = 12 * (1 + 0.6 * season) * Math.sin((2 * Math.PI * ((t % 24) - 9)) / 24);
    weather = 0.95 * weather + 2.5 * gauss();
    const value = Math.max(0, 30 + 12 * season + cycle + weather + 1.5 * gauss());
    if (!gaps.has(t)) rows.push([new Date(START + t * HOUR).toISOString(), value]);
  }
  return rows;
}

/**
 * Writes a station with one hourly o3 series of `rows`, and selects them into `table` with the
 * library's selection (the training table the runner would hand a project).
 */
export async function ozoneTrainingTable(
  client: pg.ClientBase,
  options: { table: string; rows: readonly DataRow[]; lat: string; lng: string },
): Promise<TrainingSelection> {
  const station = await insertStation(client, options.lat, options.lng);
  await insertData(client, await insertSeries(client, station, 'o3', 60), options.rows);
  const newest = options.rows.at(-1);
  if (newest === undefined) throw new Error('ozoneTrainingTable needs at least one row');
  const last = Date.parse(newest[0]);
  return selectTrainingData(
    client,
    {
      station: { kind: 'id', id: station },
      variable: 'o3',
      window: { kind: 'range', from: START, to: last + HOUR },
    },
    { table: options.table, now: last + HOUR },
  );
}

/** Debian's Python when it has scikit-learn, psycopg2 and PyYAML (python3-sklearn etc.). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const hasSystemSklearn =
  spawnSync(SYSTEM_PYTHON, ['-c', 'import sklearn, psycopg2, yaml'], { stdio: 'ignore' }).status ===
  0;

/** Parses a `time,observed,predicted` file into columns. */
export function readPredictionsCsv(text: string): {
  header: string;
  times: string[];
  observed: number[];
  predicted: number[];
} {
  const [header = '', ...lines] = text.trimEnd().split('\n');
  const cells = lines.map((line) => line.split(','));
  return {
    header,
    times: cells.map((c) => c[0] ?? ''),
    observed: cells.map((c) => Number(c[1])),
    predicted: cells.map((c) => Number(c[2])),
  };
}
