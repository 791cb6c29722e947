import { parseRfc3339 } from './datetime.ts';
import { capFeedText } from './feed-text.ts';
import { rawNumberAt } from './raw-number.ts';
import { stationKey4 } from './station-key.ts';
import type { LineOutcome, RejectReason, SourceLine, ToarVariable } from './types.ts';
import { FLAG_NEGATIVE, FLAG_OK } from './types.ts';
import { convertValue, unitConversion } from './units.ts';

/**
 * DESIGN.md's "OpenAQ record → TOAR rows" table as one pure function over one line.
 *
 * This is the hot path of an ingest (hundreds of thousands of lines per second), hence: one
 * `JSON.parse`, no regular expressions, constant messages where possible, and a single
 * allocation for an accepted record besides the parse itself.
 */

/**
 * Version of these rules, recorded with every ingest in `ops.ingest_runs`. Bump it whenever a
 * change to this module (or to datetime, units, station-key) can change an outcome, so that a
 * backfill with `reprocess: outdated` re-ingests what older rules produced.
 */
export const RULES_VERSION = 2;

/** 0001-01-01T00:00:00Z: the earliest instant the database stores as written. */
export const EARLIEST_STORABLE = -62_135_596_800_000;
/** 10000-01-01T00:00:00Z: an offset can push 9999-12-31 past it, into text the database rejects. */
export const END_OF_YEAR_9999 = 253_402_300_800_000;
/** How far after its object's fetch time a record may be dated (clocks and time zones drift). */
const FUTURE_TOLERANCE_MS = 86_400_000;

/** OpenAQ parameter → TOAR variable; exact, case-sensitive. A Map, so `"constructor"` maps to nothing. */
export const VARIABLES: ReadonlyMap<string, ToarVariable> = new Map<string, ToarVariable>([
  ['o3', 'o3'],
  ['no2', 'no2'],
  ['so2', 'so2'],
  ['co', 'co'],
  ['pm25', 'pm2p5'],
  ['pm10', 'pm10'],
  ['bc', 'bc'],
]);

/** Raw values at or below this are "no data" markers of the source, not measurements. */
const SENTINEL_MAX = -999;

/** Averaging period when a record has none: OpenAQ's real-time records are hourly by default. */
const DEFAULT_AVERAGING_MINUTES = 60;

/** `toar.timeseries.averaging_minutes` is a PostgreSQL integer: a longer period cannot be stored. */
const MAX_AVERAGING_MINUTES = 2_147_483_647;

/** Longest excerpt of a record's own text quoted in a message. */
const QUOTE_MAX = 40;

type JsonObject = Record<string, unknown>;

function reject(reason: RejectReason, message: string): LineOutcome {
  return { kind: 'rejected', reason, message };
}

/** A value of the record as it may be quoted in a message: short, JSON-escaped. */
function quote(value: unknown): string {
  let text: string;
  if (typeof value === 'string') {
    text = JSON.stringify(value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}…` : value);
  } else {
    text = JSON.stringify(value) ?? String(value);
    if (text.length > QUOTE_MAX) text = `${text.slice(0, QUOTE_MAX)}…`;
  }
  return text;
}

/** "<field> is missing", or "<field> <value> <problem>". */
function problem(field: string, value: unknown, what: string): string {
  return value === undefined ? `${field} is missing` : `${field} ${quote(value)} ${what}`;
}

/**
 * A value for a message: a number too large for a double (`1e400`, which JSON.parse made ±Infinity
 * and JSON.stringify would print as null) is quoted as the line wrote it, found in `text` at `path`.
 */
function quoteNumber(value: unknown, text: string, path: readonly string[]): string {
  if (value !== Number.POSITIVE_INFINITY && value !== Number.NEGATIVE_INFINITY) return quote(value);
  const written = rawNumberAt(text, path) ?? String(value);
  return written.length > QUOTE_MAX ? `${written.slice(0, QUOTE_MAX)}…` : written;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A text field of the feed as stored: '' when not a string, cut to 200 characters. */
function feedText(value: unknown): string {
  return typeof value === 'string' ? capFeedText(value) : '';
}

/** Why `coordinates` cannot identify a station, or '' when it can. */
function coordinatesProblem(coordinates: unknown): string {
  if (coordinates === undefined || coordinates === null) return 'coordinates are missing';
  if (!isObject(coordinates)) return `coordinates ${quote(coordinates)} are not an object`;
  const lat = coordinates.latitude;
  const lng = coordinates.longitude;
  if (typeof lat !== 'number') return problem('coordinates.latitude', lat, 'is not a number');
  if (typeof lng !== 'number') return problem('coordinates.longitude', lng, 'is not a number');
  // Written as negated ranges so that NaN (never produced by JSON.parse, but cheap to exclude) fails.
  if (!(lat >= -90 && lat <= 90)) return `latitude ${lat} is outside ±90`;
  if (!(lng >= -180 && lng <= 180)) return `longitude ${lng} is outside ±180`;
  if (lat === 0 && lng === 0) return 'coordinates are exactly (0, 0)';
  return '';
}

/**
 * Averaging period in whole minutes, or a message saying why `averagingPeriod` is not one
 * (returned as a string; a number is the result).
 */
function averagingMinutes(period: unknown, text: string): number | string {
  if (period === undefined || period === null) return DEFAULT_AVERAGING_MINUTES;
  if (!isObject(period)) return `averagingPeriod ${quote(period)} is not an object`;
  const value = period.value;
  if (typeof value !== 'number' || !(value > 0) || value === Number.POSITIVE_INFINITY) {
    if (value === undefined) return 'averagingPeriod.value is missing';
    const written = quoteNumber(value, text, ['averagingPeriod', 'value']);
    return `averagingPeriod.value ${written} is not a positive number`;
  }
  let minutesPerUnit: number;
  switch (period.unit) {
    case 'minutes':
      minutesPerUnit = 1;
      break;
    case 'hours':
      minutesPerUnit = 60;
      break;
    case 'days':
      minutesPerUnit = 1440;
      break;
    default:
      return problem('averagingPeriod.unit', period.unit, 'is not minutes, hours or days');
  }
  const minutes = Math.round(value * minutesPerUnit);
  if (minutes < 1) return `averaging period ${value} ${period.unit} is shorter than a minute`;
  if (minutes > MAX_AVERAGING_MINUTES) {
    return `averaging period ${value} ${period.unit} is too long`;
  }
  return minutes;
}

/**
 * Applies the rules, in the order of DESIGN.md's table, to one non-blank line: the first rule
 * that fails names the reason. Never throws.
 *
 * @example
 * `fetchedAt` is the fetch time of the line's object (epoch milliseconds): a record dated more than
 * a day after it is rejected `future-date`.
 *
 * @example
 * const fetchedAt = Date.parse('2018-06-07T00:10:00Z');
 * evaluateLine({ number: 1, validUtf8: true, text: '{"date":{"utc":"2018-06-07T00:00:00.000Z"},' +
 *   '"parameter":"o3","value":0.031,"unit":"ppm","location":"X","city":"C","country":"CL",' +
 *   '"coordinates":{"latitude":-33.4223,"longitude":-70.6512}}' }, fetchedAt);
 * // → { kind: 'accepted', measurement: { variable: 'o3', value: 31, flags: 0,
 * //      averagingMinutes: 60, latKey: '-33.4223', time: 1528329600000, … } }
 * evaluateLine({ number: 2, validUtf8: true, text: '[1,2]' }, fetchedAt);
 * // → { kind: 'rejected', reason: 'bad-json', message: 'not a JSON object (an array)' }
 */
export function evaluateLine(line: SourceLine, fetchedAt: number): LineOutcome {
  // parse
  if (!line.validUtf8) return reject('bad-json', 'line is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.text);
  } catch (error) {
    return reject('bad-json', `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return reject(
      'bad-json',
      `not a JSON object (${parsed === null ? 'null' : `a ${typeof parsed}`})`,
    );
  }
  if (Array.isArray(parsed)) return reject('bad-json', 'not a JSON object (an array)');
  const record = parsed as JsonObject;

  // time
  const date = record.date;
  if (!isObject(date)) {
    return reject('bad-date', problem('date', date, 'is not an object'));
  }
  const utc = date.utc;
  if (typeof utc !== 'string') {
    return reject('bad-date', problem('date.utc', utc, 'is not a string'));
  }
  const time = parseRfc3339(utc);
  if (Number.isNaN(time)) {
    return reject('bad-date', problem('date.utc', utc, 'is not an RFC 3339 date-time'));
  }
  // PostgreSQL rejects year 0000 (and ISO text beyond year 9999) as input, so such a record would
  // fail its whole object's load: it is rejected here instead.
  if (time < EARLIEST_STORABLE || time >= END_OF_YEAR_9999) {
    return reject('bad-date', problem('date.utc', utc, 'is outside the years 0001–9999 in UTC'));
  }
  // A date far ahead (9999-12-31, 2099) would end every default training window of its station.
  if (time - fetchedAt > FUTURE_TOLERANCE_MS) {
    const fetched = new Date(fetchedAt).toISOString();
    return reject(
      'future-date',
      problem('date.utc', utc, `is more than a day after the fetch (${fetched})`),
    );
  }

  // parameter
  const parameter = record.parameter;
  const variable = typeof parameter === 'string' ? VARIABLES.get(parameter) : undefined;
  if (variable === undefined) {
    return reject('unsupported-parameter', problem('parameter', parameter, 'is not supported'));
  }

  // coordinates
  const coordinates = record.coordinates;
  const coordinatesMessage = coordinatesProblem(coordinates);
  if (coordinatesMessage !== '') return reject('no-coordinates', coordinatesMessage);
  const lat = (coordinates as JsonObject).latitude as number;
  const lng = (coordinates as JsonObject).longitude as number;

  // unit
  const unit = record.unit;
  const conversion = typeof unit === 'string' ? unitConversion(variable, unit) : undefined;
  if (conversion === undefined) {
    // Named with the record's own parameter (pm25, not pm2p5): the message explains the record.
    const what = `is not supported for ${parameter as string}`;
    return reject('unsupported-unit', problem('unit', unit, what));
  }

  // value
  const raw = record.value;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    if (raw === undefined) return reject('bad-value', 'value is missing');
    const written = quoteNumber(raw, line.text, ['value']);
    return reject('bad-value', `value ${written} is not a finite number`);
  }
  if (raw <= SENTINEL_MAX) {
    return reject('sentinel-value', `value ${raw} is a no-data sentinel (≤ -999)`);
  }
  const converted = convertValue(raw, conversion);
  if (!Number.isFinite(converted)) {
    return reject('bad-value', `value ${raw} ${conversion.unit} overflows when converted`);
  }

  // averaging
  const minutes = averagingMinutes(record.averagingPeriod, line.text);
  if (typeof minutes === 'string') return reject('bad-averaging-period', minutes);

  return {
    kind: 'accepted',
    measurement: {
      variable,
      latKey: stationKey4(lat),
      lngKey: stationKey4(lng),
      lat,
      lng,
      location: feedText(record.location),
      city: feedText(record.city),
      country: feedText(record.country),
      time,
      // -0 (from a raw -0) is stored as 0: the database and the wire would otherwise disagree.
      value: converted === 0 ? 0 : converted,
      flags: raw < 0 ? FLAG_NEGATIVE : FLAG_OK,
      averagingMinutes: minutes,
    },
  };
}
