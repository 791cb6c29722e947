// A run's predictions.csv, as the example projects write it: parsed, and read from a run's folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PREDICTIONS_FILE,
  parsePredictionsCsv,
  readRunPredictions,
} from '../../../../actions/lib/training/run/run-predictions.ts';
import { predictionsCsv } from '../../../../training/ozone-forest/artifacts.ts';
import type { OzoneForestResult } from '../../../../training/ozone-forest/model.ts';
import { usageError } from '../helpers.ts';

describe('parsePredictionsCsv', () => {
  it('reads what the example project writes', () => {
    const result = {
      testTimes: [Date.UTC(2014, 0, 2, 0), Date.UTC(2014, 0, 2, 1)],
      observed: Float64Array.of(31, 30.25),
      predicted: Float64Array.of(29.5, 1e-7),
    } as unknown as OzoneForestResult;
    expect(parsePredictionsCsv(predictionsCsv(result, 1))).toEqual([
      { time: '2014-01-02T01:00:00Z', observed: 31, predicted: 29.5 },
      { time: '2014-01-02T02:00:00Z', observed: 30.25, predicted: 1e-7 },
    ]);
  });

  it('finds the columns by name among others, and skips blank lines', () => {
    expect(
      parsePredictionsCsv(
        '\uFEFFpredicted,station,time,observed\r\n1.5,12,t1,2\r\n\r\n-3,12,t2,4\r\n',
      ),
    ).toEqual([
      { time: 't1', observed: 2, predicted: 1.5 },
      { time: 't2', observed: 4, predicted: -3 },
    ]);
  });

  it('names the missing columns', () => {
    expect(usageError(() => parsePredictionsCsv('time,value\n')).message).toBe(
      'predictions.csv has no column observed, predicted: its first line must name time,observed,predicted',
    );
  });

  it('lists the first five bad lines and counts the rest', () => {
    const bad = ['time,observed,predicted', ...Array.from({ length: 7 }, (_, i) => `t${i},x,1`)];
    const problems = usageError(() => parsePredictionsCsv(bad.join('\n'))).problems;
    expect(problems).toHaveLength(6);
    expect(problems[0]).toBe('predictions.csv line 2 "t0,x,1" needs a time and two finite numbers');
    expect(problems[5]).toBe('predictions.csv: 2 more bad lines');
    expect(
      usageError(() => parsePredictionsCsv('time,observed,predicted\n,1,2\nt,NaN,1')).problems,
    ).toHaveLength(2);
  });
});

describe('readRunPredictions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'freshet-predictions-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says when a run wrote none', async () => {
    expect(await readRunPredictions(join(dir, 'none'))).toEqual({ kind: 'missing' });
  });

  it('reads the rows, or says what is wrong with them, without throwing', async () => {
    await writeFile(join(dir, PREDICTIONS_FILE), 'time,observed,predicted\nt,1,2\n');
    expect(await readRunPredictions(dir)).toEqual({
      kind: 'read',
      rows: [{ time: 't', observed: 1, predicted: 2 }],
    });
    await writeFile(join(dir, PREDICTIONS_FILE), 'when,what\n');
    expect(await readRunPredictions(dir)).toEqual({
      kind: 'invalid',
      problems: [
        'predictions.csv has no column time, observed, predicted: its first line must name time,observed,predicted',
      ],
    });
  });
});
