import { UsageError } from '../errors.ts';
import { hashKey, mulberry32, type Random, uniformAt } from './random.ts';
import { type SyntheticSeries, type SyntheticStation, stationCatalogue } from './stations.ts';
import { localTimeText, naturalValue, roundTo, utcTimeText } from './values.ts';

/**
 * Synthetic OpenAQ real-time fetches: which fetches a data set has, and the exact text of each.
 *
 * Like the real feed, a fetch lists, for every series of every station, its latest measurements of
 * the last few hours (`windowHours` of the station's source): the same measurement appears in
 * every fetch of those hours, which is what makes duplicates across objects. A measurement's line
 * is the same in every fetch that lists it, unless the measurement is revised: from its revision
 * time on, later fetches carry a slightly different value (the later fetch must win).
 *
 * Everything is a pure function of the spec and the fetch time, keyed randomness throughout: the
 * content of fetch #100 does not depend on having generated fetches #0–#99.
 *
 * Records per fetch (expected), the volume formula:
 *
 *   records/fetch = Σ_stations Σ_series windowSlots × (1 − GAP_RATE) × (1 + DUPLICATE_LINE_RATE)
 *
 * where windowSlots = windowHours × 60 / slotMinutes of the station's source (6 hourly for
 * AirNow, 24 quarter-hours for Israel, …). Averaged over the source mix this is
 * {@link MEAN_RECORDS_PER_STATION_PER_FETCH} ≈ 30.5 records per station per fetch, so one day
 * (144 fetches) holds ≈ 4,400 × stations records: the 50-station demo ≈ 1,500 records per fetch
 * (2.2 million over its 10 days); ≈ 230 stations ≈ 1,000,000 records a day.
 * {@link estimateRecords} sums the exact expectation of a spec's own catalogue.
 */

/** What to generate. */
export interface SyntheticSpec {
  /** First fetch interval, epoch ms, aligned to 10 minutes. */
  start: number;
  /** Length in days (a positive multiple of 10 minutes: 144 fetches a day). */
  days: number;
  /** Number of stations (location names). */
  stations: number;
  /** Any safe integer; the same seed gives byte-identical data. */
  seed: number;
}

/** One fetch every 10 minutes, as OpenAQ's fetcher ran. */
export const FETCH_INTERVAL_MS = 600_000;
export const FETCHES_PER_DAY = 144;
/**
 * A fetch runs a deterministic 0–299 whole seconds into its 10-minute interval: real object names
 * (`1506558318.ndjson`) are not aligned, and ingest must pick objects by the number in their name.
 */
export const FETCH_JITTER_SECONDS = 300;

/** Share of (series, time) measurements absent from the feed (the hour never arrives). */
export const GAP_RATE = 0.02;
/** Share of measurements reported as a small negative value (instrument offset near zero). */
export const NEGATIVE_VALUE_RATE = 0.02;
/** Share of measurements reported as the no-data sentinel -9999 (one in five as -999). */
export const SENTINEL_VALUE_RATE = 0.003;
/** Share of measurements whose `date.utc` is not RFC 3339 (no zone, a space, month 13, "Invalid date"). */
export const BAD_DATE_RATE = 0.001;
/** Share of measurements whose `value` is null or a numeric string. */
export const BAD_VALUE_RATE = 0.001;
/** Share of (ordinary) measurements revised once while they are still listed. */
export const REVISION_RATE = 0.01;
/** Share of a fetch's records immediately repeated on the next line (same text). */
export const DUPLICATE_LINE_RATE = 0.002;
/** Share of a fetch's lines that are malformed: truncated, `NaN` for a value, or two records glued. */
export const MALFORMED_LINE_RATE = 0.0005;
/** Share of objects with one blank line between two records (not a record: not in `fetchLines`). */
export const BLANK_LINE_OBJECT_RATE = 0.05;
/** Share of objects ending with a newline (the 2018-06-07 sample does not). */
export const FINAL_NEWLINE_OBJECT_RATE = 0.5;

/**
 * Average of the volume formula over the source mix (measured on 20,000-station catalogues):
 * expected records per station per fetch.
 */
export const MEAN_RECORDS_PER_STATION_PER_FETCH = 30.5;

const PURPOSE_JITTER = 31;
const PURPOSE_VALUE = 32;
const PURPOSE_KIND = 33;
const PURPOSE_REVISION = 34;
const PURPOSE_LINE = 35;
const PURPOSE_OBJECT = 36;

const MAX_STATIONS = 1_000_000;

/**
 * Checks a spec, collecting every problem.
 *
 * @throws UsageError listing what to change.
 */
export function validateSpec(spec: SyntheticSpec): void {
  const problems: string[] = [];
  if (!Number.isSafeInteger(spec.start) || spec.start % FETCH_INTERVAL_MS !== 0) {
    problems.push(
      `start ${spec.start} must be epoch milliseconds aligned to 10 minutes (e.g. ${Date.UTC(2014, 0, 1)} for 2014-01-01)`,
    );
  }
  const fetches = spec.days * FETCHES_PER_DAY;
  if (!Number.isFinite(fetches) || fetches < 1 || Math.abs(fetches - Math.round(fetches)) > 1e-9) {
    problems.push(`days ${spec.days} must be a positive multiple of 10 minutes (1/144 of a day)`);
  }
  if (!Number.isSafeInteger(spec.stations) || spec.stations < 1 || spec.stations > MAX_STATIONS) {
    problems.push(`stations ${spec.stations} must be a whole number from 1 to ${MAX_STATIONS}`);
  }
  if (!Number.isSafeInteger(spec.seed)) problems.push(`seed ${spec.seed} must be a safe integer`);
  if (problems.length > 0) throw new UsageError(problems);
}

/** Number of fetches of a spec. */
export function fetchCount(spec: SyntheticSpec): number {
  return Math.round(spec.days * FETCHES_PER_DAY);
}

/**
 * The fetch times of a spec, epoch ms (whole seconds), one per 10-minute interval from `start`.
 *
 * @example
 * [...fetchTimes({ start: Date.UTC(2014, 0, 1), days: 1 / 72, stations: 5, seed: 1 })];
 * // → two times, in [00:00, 00:05) and [00:10, 00:15) of 2014-01-01
 */
export function* fetchTimes(spec: SyntheticSpec): Generator<number> {
  validateSpec(spec);
  const count = fetchCount(spec);
  for (let i = 0; i < count; i++) {
    const intervalStart = spec.start + i * FETCH_INTERVAL_MS;
    // Keyed by the interval itself, so overlapping specs agree on their common fetches.
    const jitter = uniformAt(spec.seed, PURPOSE_JITTER, intervalStart / FETCH_INTERVAL_MS);
    yield intervalStart + Math.floor(jitter * FETCH_JITTER_SECONDS) * 1000;
  }
}

/**
 * The bucket key of the fetch made at `fetchAt`: its UTC date folder and Unix seconds.
 *
 * @example
 * objectKey(Date.UTC(2018, 5, 7, 0, 1, 30)); // "realtime-gzipped/2018-06-07/1528329690.ndjson.gz"
 */
export function objectKey(fetchAt: number): string {
  const date = new Date(fetchAt).toISOString().slice(0, 10);
  return `realtime-gzipped/${date}/${Math.floor(fetchAt / 1000)}.ndjson.gz`;
}

/** How a measurement is reported; decided once per (series, time), the same in every fetch. */
type Kind = 'gap' | 'negative' | 'sentinel' | 'bad-date' | 'bad-value' | 'ordinary';

function kindOf(u: number): Kind {
  let edge = GAP_RATE;
  if (u < edge) return 'gap';
  edge += NEGATIVE_VALUE_RATE;
  if (u < edge) return 'negative';
  edge += SENTINEL_VALUE_RATE;
  if (u < edge) return 'sentinel';
  edge += BAD_DATE_RATE;
  if (u < edge) return 'bad-date';
  edge += BAD_VALUE_RATE;
  if (u < edge) return 'bad-value';
  return 'ordinary';
}

function badDateText(utc: string, variant: number): string {
  switch (variant) {
    case 0:
      return `${utc.slice(0, 10)} ${utc.slice(11, 19)}`;
    case 1:
      return utc.slice(0, 19);
    case 2:
      return `${utc.slice(0, 5)}13${utc.slice(7)}`;
    case 4:
      // A valid date far after the fetch: rejected future-date.
      return `2099${utc.slice(4)}`;
    default:
      return 'Invalid date';
  }
}

/** A value one unit in the last decimal away, when rounding made a revision a no-op. */
function nudge(value: number, revised: number, decimals: number): number {
  return revised === value ? roundTo(value + 10 ** -decimals, decimals) : revised;
}

/**
 * One measurement of a series: its slot's start time (epoch ms), its value in the series' unit as
 * the series rounds it, and the measurement's own random stream after the value was drawn (what a
 * fetch uses for the way it reports the measurement). The same in every fetch, and in the archive.
 *
 * @example measurement(1, station, station.series[0], 2_000_000) // { time, value: 31.2, random }
 */
export function measurement(
  seed: number,
  station: SyntheticStation,
  series: SyntheticSeries,
  slot: number,
): { time: number; value: number; random: Random } {
  const time = slot * series.slotMs + series.offsetMs;
  const random = mulberry32(hashKey(seed, PURPOSE_VALUE, station.index, series.code, slot));
  const value = roundTo(
    naturalValue(seed, station, series, time, random) * series.factor,
    series.decimals,
  );
  return { time, value, random };
}

/** The line of one measurement as the fetch at `fetchAt` lists it. */
function measurementLine(
  seed: number,
  station: SyntheticStation,
  series: SyntheticSeries,
  slot: number,
  kind: Kind,
  fetchAt: number,
): string {
  const { time, value, random } = measurement(seed, station, series, slot);
  let utc = utcTimeText(time);
  let local = localTimeText(station.daylight, station.utcOffset, time);
  let valueText: string;
  switch (kind) {
    case 'negative': {
      // Near zero, as an instrument's offset shows: a few percent of the value, at least one unit.
      const magnitude = roundTo(value * (0.005 + 0.03 * random()), series.decimals);
      valueText = String(-Math.max(magnitude, 10 ** -series.decimals));
      break;
    }
    case 'sentinel':
      valueText = random() < 0.8 ? '-9999' : '-999';
      break;
    case 'bad-value':
      valueText = random() < 0.5 ? 'null' : `"${value}"`;
      break;
    case 'bad-date': {
      const variant = Math.floor(random() * 5);
      utc = badDateText(utc, variant);
      if (variant === 3) local = utc;
      valueText = String(value);
      break;
    }
    default: {
      const u = uniformAt(seed, PURPOSE_REVISION, station.index, series.code, slot);
      let reported = value;
      if (u < REVISION_RATE) {
        // u / REVISION_RATE is again uniform in [0, 1): it places the revision in the window.
        const step = 1 + Math.floor((u / REVISION_RATE) * (series.windowSlots - 1));
        const revisedAt = (slot + 1 + step) * series.slotMs + series.offsetMs + station.lagMs;
        if (fetchAt >= revisedAt) {
          const change = (random() < 0.5 ? -1 : 1) * (0.03 + 0.1 * random());
          reported = nudge(value, roundTo(value * (1 + change), series.decimals), series.decimals);
        }
      }
      valueText = String(reported);
    }
  }
  return `{"date":{"utc":"${utc}","local":"${local}"}${series.head}${valueText}${series.tail}`;
}

/** A line the fetch garbled: cut short, with a bare `NaN`, or glued to itself. */
function malformed(line: string, u: number): string {
  const variant = Math.floor(u * 3);
  if (variant === 0) {
    let cut = 1 + Math.floor(((u * 3) % 1) * (line.length - 2));
    // Never split a surrogate pair: the line must stay well-formed UTF-16 (and so UTF-8).
    const code = line.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    return line.slice(0, cut);
  }
  if (variant === 1) return line.replace(/"value":[^,]*/, '"value":NaN');
  return line + line;
}

/** Latest slot a series has available at `fetchAt` (its end plus the station's lag has passed). */
function latestSlot(series: SyntheticSeries, lagMs: number, fetchAt: number): number {
  return Math.floor((fetchAt - lagMs - series.offsetMs) / series.slotMs) - 1;
}

/**
 * The records (non-blank NDJSON lines) of the fetch made at `fetchAt`.
 *
 * @example
 * const spec = { start: Date.UTC(2014, 0, 1), days: 10, stations: 50, seed: 1 };
 * const [first] = fetchTimes(spec);
 * fetchLines(spec, first).length; // ≈ 1,500
 * // '{"date":{"utc":"2013-12-31T18:00:00.000Z","local":"2013-12-31T10:00:00-08:00"},"parameter":"o3",…'
 */
export function fetchLines(spec: SyntheticSpec, fetchAt: number): string[] {
  validateSpec(spec);
  const { seed } = spec;
  const lines: string[] = [];
  for (const station of stationCatalogue(seed, spec.stations)) {
    for (const series of station.series) {
      const latest = latestSlot(series, station.lagMs, fetchAt);
      for (let slot = latest - series.windowSlots + 1; slot <= latest; slot++) {
        const kind = kindOf(uniformAt(seed, PURPOSE_KIND, station.index, series.code, slot));
        if (kind === 'gap') continue;
        const line = measurementLine(seed, station, series, slot, kind, fetchAt);
        const u = uniformAt(seed, PURPOSE_LINE, fetchAt, lines.length);
        if (u < MALFORMED_LINE_RATE) {
          lines.push(malformed(line, u / MALFORMED_LINE_RATE));
        } else if (u < MALFORMED_LINE_RATE + DUPLICATE_LINE_RATE) {
          lines.push(line, line);
        } else {
          lines.push(line);
        }
      }
    }
  }
  return lines;
}

/** How an object lays its records out: where a blank line goes (if any), whether it ends with `\n`. */
export interface ObjectLayout {
  /** The blank line comes before the record of this index; -1 for none. */
  blankBefore: number;
  finalNewline: boolean;
}

/** The layout of the object of the fetch at `fetchAt` holding `records` records. */
export function objectLayout(seed: number, fetchAt: number, records: number): ObjectLayout {
  const random = mulberry32(hashKey(seed, PURPOSE_OBJECT, fetchAt));
  const blank = random() < BLANK_LINE_OBJECT_RATE && records >= 2;
  const finalNewline = random() < FINAL_NEWLINE_OBJECT_RATE;
  return { blankBefore: blank ? 1 + Math.floor(random() * (records - 1)) : -1, finalNewline };
}

/**
 * The object text of a fetch from its records: lines joined by `\n`, in some objects one blank
 * line between two records, in some a final newline.
 */
export function objectText(seed: number, fetchAt: number, lines: readonly string[]): string {
  const { blankBefore, finalNewline } = objectLayout(seed, fetchAt, lines.length);
  const text =
    blankBefore < 0
      ? lines.join('\n')
      : `${lines.slice(0, blankBefore).join('\n')}\n\n${lines.slice(blankBefore).join('\n')}`;
  return finalNewline ? `${text}\n` : text;
}

/** The whole object text of the fetch made at `fetchAt` (what `generateFetches` gzips). */
export function fetchObjectText(spec: SyntheticSpec, fetchAt: number): string {
  return objectText(spec.seed, fetchAt, fetchLines(spec, fetchAt));
}

/**
 * Expected records per fetch of a spec: the volume formula over its own catalogue.
 *
 * @example
 * recordsPerFetch({ start: 0, days: 1, stations: 50, seed: 1 }); // ≈ 1,500
 */
export function recordsPerFetch(spec: SyntheticSpec): number {
  validateSpec(spec);
  let slots = 0;
  for (const station of stationCatalogue(spec.seed, spec.stations)) {
    for (const series of station.series) slots += series.windowSlots;
  }
  return slots * (1 - GAP_RATE) * (1 + DUPLICATE_LINE_RATE);
}

/**
 * Expected records (lines) of a whole spec: fetches × records per fetch.
 *
 * @example
 * estimateRecords({ start: Date.UTC(2014, 0, 1), days: 10, stations: 50, seed: 1 }); // ≈ 2.2 million
 */
export function estimateRecords(spec: SyntheticSpec): number {
  return Math.round(fetchCount(spec) * recordsPerFetch(spec));
}

/**
 * Stations needed for about `records` records over `days` days, from the average volume; check
 * the result with {@link estimateRecords} (a particular seed's mix may differ by several percent).
 *
 * @example
 * stationsForRecords(1_000_000, 1); // 228
 */
export function stationsForRecords(records: number, days: number): number {
  return Math.max(
    1,
    Math.round(records / (days * FETCHES_PER_DAY * MEAN_RECORDS_PER_STATION_PER_FETCH)),
  );
}
