import { describe, expect, it } from 'vitest';
import { dataSpan, joinSpans, monthStart } from '../../../actions/lib/toar/data-months.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';

/** An object with a row at each time. */
function batchAt(times: number[]): ObjectBatch {
  const batch = new ObjectBatch('k', 0, 0);
  for (const [i, time] of times.entries()) {
    batch.addRecord({
      latKey: '1',
      lngKey: '2',
      lat: 1,
      lng: 2,
      location: '',
      city: '',
      country: '',
      variable: 'o3',
      averagingMinutes: 60,
      time,
      value: 1,
      flags: 0,
      line: i + 1,
    });
  }
  return batch;
}

const at = (iso: string) => Date.parse(iso);

describe('monthStart', () => {
  it('is the first instant of the UTC month, in any year PostgreSQL stores', () => {
    expect(monthStart(at('2014-01-31T23:59:59.999Z'))).toBe(at('2014-01-01T00:00:00Z'));
    expect(monthStart(at('2014-02-01T00:00:00Z'))).toBe(at('2014-02-01T00:00:00Z'));
    expect(monthStart(at('0001-03-04T05:06:07Z'))).toBe(at('0001-03-01T00:00:00Z'));
    expect(monthStart(at('9999-12-31T23:00:00Z'))).toBe(at('9999-12-01T00:00:00Z'));
  });
});

describe('dataSpan', () => {
  const monthsOf = (batches: ObjectBatch[]) => dataSpan(batches)?.months;

  it('lists the months of the rows, each once, in order, and no month between', () => {
    expect(dataSpan([])).toBeUndefined();
    expect(dataSpan([batchAt([])])).toBeUndefined();
    expect(monthsOf([batchAt([at('2018-06-07T01:00Z'), at('2018-06-06T00:00Z')])])).toEqual([
      at('2018-06-01Z'),
    ]);
    // A fetch across the new year.
    expect(
      monthsOf([batchAt([at('2018-01-01T00:00Z')]), batchAt([at('2017-12-31T23:00Z')])]),
    ).toEqual([at('2017-12-01Z'), at('2018-01-01Z')]);
    // A stray row of 1970 adds its month, not the 580 between.
    expect(
      monthsOf([
        batchAt([at('2018-06-07T01:00Z'), 0, at('2018-06-06T00:00Z'), at('2018-04-30T23:00Z')]),
      ]),
    ).toEqual([at('1970-01-01Z'), at('2018-04-01Z'), at('2018-06-01Z')]);
  });

  it('has the earliest and latest row, and joins with another span', () => {
    const a = dataSpan([batchAt([at('2018-06-07T01:00Z'), at('2018-06-06T00:00Z')])]);
    expect(a).toEqual({
      first: at('2018-06-06T00:00Z'),
      last: at('2018-06-07T01:00Z'),
      months: [at('2018-06-01Z')],
    });
    const b = dataSpan([batchAt([at('2018-08-01T00:00Z')])]);
    expect(joinSpans(a, b)).toEqual({
      first: at('2018-06-06T00:00Z'),
      last: at('2018-08-01T00:00Z'),
      months: [at('2018-06-01Z'), at('2018-08-01Z')],
    });
    expect(joinSpans(undefined, b)).toBe(b);
    expect(joinSpans(a, undefined)).toBe(a);
  });
});
