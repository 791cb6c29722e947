// Accepted records and objects of them, for the tests of the loader and the staging texts.
import { type DataRecord, ObjectBatch } from '../../actions/lib/toar/object-batch.ts';

/** An o3 record of one station at 2018-06-07 00:00 UTC, with `over` replacing any field. */
export function sampleRecord(over: Partial<DataRecord> = {}): DataRecord {
  return {
    latKey: '10.5',
    lngKey: '-3',
    lat: 10.50001,
    lng: -3,
    location: 'Here',
    city: 'Town',
    country: 'XX',
    variable: 'o3',
    averagingMinutes: 60,
    time: Date.UTC(2018, 5, 7),
    value: 30,
    flags: 0,
    line: 1,
    ...over,
  };
}

/**
 * An object fetched at `fetchedAt` (of the interval starting at `intervalStart`, by default the
 * fetch time) with a {@link sampleRecord} per entry of `records`, numbered in line order.
 */
export function sampleBatch(
  key: string,
  fetchedAt: number,
  records: readonly Partial<DataRecord>[],
  intervalStart = fetchedAt,
): ObjectBatch {
  const batch = new ObjectBatch(key, fetchedAt, intervalStart);
  records.forEach((r, i) => {
    batch.addRecord(sampleRecord({ line: i + 1, ...r }));
  });
  return batch;
}
