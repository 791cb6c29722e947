// The synthetic archive: the synthetic stations' measurements as OpenAQ's archive writes them,
// read back by the archive's own key parser and rules.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { parseArchiveKey } from '../../../actions/lib/openaq/archive-key.ts';
import {
  checkArchiveHeader,
  evaluateArchiveLine,
} from '../../../actions/lib/openaq/archive-rules.ts';
import {
  archiveLocationId,
  archiveObjects,
  measurement,
  type SyntheticSpec,
  stationCatalogue,
} from '../../../actions/lib/synthetic/index.ts';

const DAY_MS = 86_400_000;
const spec: SyntheticSpec = { start: Date.UTC(2014, 0, 1), days: 2, stations: 6, seed: 1 };
const objects = [...archiveObjects(spec)];

describe('archiveObjects', () => {
  it('writes one object per location and local day of the range, under its archive key', () => {
    const days = [spec.start, spec.start + DAY_MS];
    expect(objects.map((o) => [o.locationId, o.day])).toEqual(
      [1, 2, 3, 4, 5, 6].flatMap((id) => days.map((day) => [id, day])),
    );
    for (const object of objects) {
      expect(parseArchiveKey(object.key)).toEqual({
        locationId: object.locationId,
        day: object.day,
      });
    }
    expect(objects[0]?.key).toBe('locationid=1/year=2014/month=01/location-1-20140101.csv.gz');
  });

  it('writes what the archive rules read: the header, then measurements of the key date', () => {
    let accepted = 0;
    for (const object of objects) {
      const [header, ...lines] = object.text.split('\n');
      expect(() => checkArchiveHeader(header, object.key)).not.toThrow();
      expect(lines.at(-1)).toBe('');
      for (const [i, text] of lines.slice(0, -1).entries()) {
        const outcome = evaluateArchiveLine({ number: i + 2, text, validUtf8: true }, object.day);
        if (outcome.kind === 'rejected') {
          // What the synthetic world measures but TOAR does not store (pm1, pphm…), nothing else.
          expect(['unsupported-parameter', 'unsupported-unit']).toContain(outcome.reason);
          continue;
        }
        accepted++;
        // A row is dated at the end of its period, local time with the offset, on the key's date
        // (the end of the day's last period is the next midnight).
        const local = text.split(',').find((f) => /^\d{4}-\d\d-\d\dT/.test(f)) ?? '';
        const date = new Date(object.day).toISOString().slice(0, 10);
        expect(local.slice(0, 10) === date || local.slice(11, 19) === '00:00:00').toBe(true);
        expect(outcome.measurement.sensorId).toBeGreaterThan(object.locationId * 100);
      }
    }
    expect(accepted).toBeGreaterThan(500);
  });

  it("carries the real-time world's values: each sensor's value is the measurement's", () => {
    const [station] = stationCatalogue(spec.seed, spec.stations);
    const series = station?.series[0];
    if (station === undefined || series === undefined) throw new Error('no series');
    const object = objects.find((o) => o.locationId === archiveLocationId(station));
    const sensor = String(archiveLocationId(station) * 100 + series.code + 1);
    const rows = (object?.text ?? '').split('\n').filter((l) => l.split(',')[1] === sensor);
    expect(rows.length).toBeGreaterThanOrEqual(24);
    const firstSlot = Math.floor((spec.start - DAY_MS - series.offsetMs) / series.slotMs);
    const values = new Set<string>();
    for (let slot = firstSlot; slot < firstSlot + (3 * DAY_MS) / series.slotMs; slot++) {
      values.add(String(measurement(spec.seed, station, series, slot).value));
    }
    for (const row of rows) expect(values).toContain(row.split(',').at(-1));
  });

  it('is a function of the spec, and refuses a range that is not whole days', () => {
    expect([...archiveObjects(spec)]).toEqual(objects);
    expect(() => [...archiveObjects({ ...spec, start: spec.start + 600_000 })]).toThrow(UsageError);
    expect(() => [...archiveObjects({ ...spec, days: 1.5 })]).toThrow(/whole days/);
  });
});
