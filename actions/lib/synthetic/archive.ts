import { UsageError } from '../errors.ts';
import { archiveKeyOf } from '../openaq/archive-key.ts';
import { ARCHIVE_HEADER } from '../openaq/archive-rules.ts';
import { measurement, type SyntheticSpec, validateSpec } from './fetch.ts';
import { type SyntheticStation, stationCatalogue } from './stations.ts';
import { localTimeText } from './values.ts';

/**
 * Synthetic objects of OpenAQ's archive layout (DESIGN.md, "OpenAQ archive record → TOAR rows"), for
 * the demo and tests: the stations of the synthetic real-time world as archive locations, one
 * gzipped CSV per location and local day at
 * `locationid=<id>/year=<yyyy>/month=<mm>/location-<id>-<yyyymmdd>.csv.gz`, each series a sensor.
 * A row is a measurement of the real-time fetches, with the same value, dated (local time with its
 * offset) at the end of its period, as the archive dates them. The rows are the measurements as
 * measured: the feed's quirks (gaps, sentinels, garbled lines, revisions) are the real-time
 * world's; an unsupported parameter or unit is kept, and rejected by the rules as in the archive.
 * Pure: text in memory, a function of the spec.
 */

const DAY_MS = 86_400_000;

/**
 * The archive location id of a synthetic station: its index plus one (`--stations 10` makes
 * locations 1 to 10).
 */
export function archiveLocationId(station: Pick<SyntheticStation, 'index'>): number {
  return station.index + 1;
}

/** One location-day of the synthetic archive. */
export interface ArchiveObject {
  /** The key under the archive's root. */
  readonly key: string;
  readonly locationId: number;
  /** The key's date (the local day), 00:00 UTC, epoch ms. */
  readonly day: number;
  /** The CSV: the header, then one line per measurement (LF line ends, a final LF). */
  readonly text: string;
}

/** A CSV field: quoted, with `""` for a quote; a line break (a record is one line) becomes a space. */
function field(text: string): string {
  return `"${text.replace(/[\r\n]+/g, ' ').replaceAll('"', '""')}"`;
}

/**
 * Every location-day of the spec's stations whose local date lies in `[start, start + days)`, by
 * location then day. The spec must cover whole UTC days (start at 00:00 UTC).
 *
 * @throws UsageError for a bad spec, or one that does not cover whole days
 * @example
 * const [first] = archiveObjects({ start: Date.UTC(2014, 0, 1), days: 1, stations: 2, seed: 1 });
 * first.key; // 'locationid=1/year=2014/month=01/location-1-20140101.csv.gz'
 * first.text.split('\n')[1]; // '1,101,"…",2014-01-01T01:00:00+02:00,31.77,35.21,o3,ppm,0.031'
 */
export function* archiveObjects(spec: SyntheticSpec): Generator<ArchiveObject> {
  validateSpec(spec);
  if (spec.start % DAY_MS !== 0 || !Number.isInteger(spec.days)) {
    throw new UsageError(
      `the archive's objects are whole days: start ${new Date(spec.start).toISOString()} must be at 00:00 UTC and days ${spec.days} a whole number`,
    );
  }
  const end = spec.start + spec.days * DAY_MS;
  for (const station of stationCatalogue(spec.seed, spec.stations)) {
    const id = archiveLocationId(station);
    const where = `${String(station.lat)},${String(station.lng)}`;
    const name = field(station.location);
    const rows = new Map<number, string[]>();
    for (const series of station.series) {
      // Local days lie within a day of UTC's: the slots a day either side cover them.
      const first = Math.floor((spec.start - DAY_MS - series.offsetMs) / series.slotMs);
      const last = Math.ceil((end + DAY_MS - series.offsetMs) / series.slotMs);
      for (let slot = first; slot < last; slot++) {
        const { time, value } = measurement(spec.seed, station, series, slot);
        const local = localTimeText(station.daylight, station.utcOffset, time);
        const day = Date.parse(`${local.slice(0, 10)}T00:00:00Z`);
        if (day < spec.start || day >= end) continue;
        const ended = localTimeText(station.daylight, station.utcOffset, time + series.slotMs);
        const sensor = id * 100 + series.code + 1;
        const line = `${id},${sensor},${name},${ended},${where},${series.parameter},${series.unit},${value}`;
        const list = rows.get(day);
        if (list === undefined) rows.set(day, [line]);
        else list.push(line);
      }
    }
    for (const day of [...rows.keys()].sort((a, b) => a - b)) {
      const lines = [ARCHIVE_HEADER.join(','), ...(rows.get(day) ?? [])];
      yield { key: archiveKeyOf(id, day), locationId: id, day, text: `${lines.join('\n')}\n` };
    }
  }
}
