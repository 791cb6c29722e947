import { SourceError } from '../errors.ts';
import { parseArchiveDateTime } from './archive-datetime.ts';
import { splitCsvLine } from './csv-line.ts';
import { capFeedText } from './feed-text.ts';
// The real-time rules' bounds and parameter table: the archive's rules are the same (DESIGN.md).
import { EARLIEST_STORABLE, END_OF_YEAR_9999, VARIABLES } from './rules.ts';
import { stationKey4 } from './station-key.ts';
import type { ArchiveLineOutcome, RejectReason, SourceLine } from './types.ts';
import { FLAG_NEGATIVE, FLAG_OK } from './types.ts';
import { convertValue, unitConversion } from './units.ts';

/**
 * DESIGN.md's "OpenAQ archive record → TOAR rows" table as pure functions: the header check
 * ({@link checkArchiveHeader}) and one function over one record line ({@link evaluateArchiveLine}),
 * rule by rule in the table's order. The length rule (`line-too-long`) is applied by the caller
 * before a line gets here, as for real-time records.
 */

/** The documented header, in order (DESIGN.md, archive rule "header"). */
export const ARCHIVE_HEADER = [
  'location_id',
  'sensors_id',
  'location',
  'datetime',
  'lat',
  'lon',
  'parameter',
  'units',
  'value',
] as const;

/** A record may be dated up to 00:00 UTC this long after its key's date (three days). */
const FUTURE_LIMIT_MS = 3 * 86_400_000;
const SENTINEL_MAX = -999;
const QUOTE_MAX = 40;

/** An id field: an ASCII positive integer without leading zeros. */
const ID = /^[1-9][0-9]*$/;
/** A decimal number as the archive writes one (DESIGN.md, archive rule "coordinates"). */
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

function reject(reason: RejectReason, message: string): ArchiveLineOutcome {
  return { kind: 'rejected', reason, message };
}

function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text);
}

/** The number a decimal field holds, or NaN when it is not a decimal number. */
function decimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/**
 * Checks an object's first line (its BOM already dropped, see `splitLines`): the nine documented
 * names, each optionally double-quoted. Anything else stops the object: a schema change must stop
 * the load, not be misread.
 *
 * @throws SourceError naming `key` and what the first line holds
 * @example
 * checkArchiveHeader('"location_id","sensors_id","location","datetime","lat","lon","parameter","units","value"', key); // passes
 * checkArchiveHeader('location_id,sensor_id,location,datetime,lat,lon,parameter,unit,value', key); // throws
 */
export function checkArchiveHeader(text: string | undefined, key: string): void {
  if (text === undefined) {
    throw new SourceError(`${key}: the object is empty (an archive object starts with its header)`);
  }
  const fields = splitCsvLine(text);
  const expected = ARCHIVE_HEADER.join(',');
  if (
    typeof fields === 'string' ||
    fields.length !== ARCHIVE_HEADER.length ||
    fields.some((field, i) => field !== ARCHIVE_HEADER[i])
  ) {
    throw new SourceError(
      `${key}: the header is not the archive's (${expected}) but ${quote(text)}: ` +
        'the archive format may have changed; nothing of this object is loaded',
    );
  }
}

/**
 * True for a line that is not a record: empty, or only spaces and tabs (its one trailing CR was
 * dropped already).
 *
 * @example
 * isBlankArchiveLine(' \t'); // true
 * isBlankArchiveLine('\r');  // false: a record, rejected bad-csv
 */
export function isBlankArchiveLine(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9) return false;
  }
  return true;
}

/**
 * Applies the archive rules to one record line of an object whose key's date is `keyDay` (00:00
 * UTC of that date, epoch ms); the first rule that fails names the reason. Never throws.
 *
 * @example
 * const day = Date.parse('2023-02-22T00:00:00Z');
 * evaluateArchiveLine({ number: 2, validUtf8: true,
 *   text: '2178,3919,Del Norte-2178,2023-02-22T01:00:00-07:00,35.1353,-106.584702,pm10,µg/m³,14.0' }, day);
 * // → { kind: 'accepted', measurement: { variable: 'pm10', sensorId: 3919, value: 14, flags: 0,
 * //      time: Date.parse('2023-02-22T08:00:00Z'), latKey: '35.1353', lngKey: '-106.5847', … } }
 */
export function evaluateArchiveLine(line: SourceLine, keyDay: number): ArchiveLineOutcome {
  // parse
  if (!line.validUtf8) return reject('bad-csv', 'line is not valid UTF-8');
  const fields = splitCsvLine(line.text);
  if (typeof fields === 'string') return reject('bad-csv', fields);
  if (fields.length !== ARCHIVE_HEADER.length) {
    return reject('bad-csv', `${fields.length} fields, not ${ARCHIVE_HEADER.length}`);
  }
  const [locationId, sensorsId, location, datetime, lat, lon, parameter, units, value] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!ID.test(locationId)) {
    return reject('bad-csv', `location_id ${quote(locationId)} is not a positive integer`);
  }
  if (!ID.test(sensorsId)) {
    return reject('bad-csv', `sensors_id ${quote(sensorsId)} is not a positive integer`);
  }
  const sensorId = Number(sensorsId);
  // Series are keyed by the number: one past 2^53 could not be told from its neighbours.
  if (!Number.isSafeInteger(sensorId)) {
    return reject('bad-csv', `sensors_id ${quote(sensorsId)} is too large`);
  }

  // time
  const time = parseArchiveDateTime(datetime);
  if (Number.isNaN(time)) {
    return reject('bad-date', `datetime ${quote(datetime)} is not a date-time with an offset`);
  }
  if (time < EARLIEST_STORABLE || time >= END_OF_YEAR_9999) {
    return reject('bad-date', `datetime ${quote(datetime)} is outside the years 0001–9999 in UTC`);
  }
  if (time > keyDay + FUTURE_LIMIT_MS) {
    const limit = new Date(keyDay + FUTURE_LIMIT_MS).toISOString();
    return reject('future-date', `datetime ${quote(datetime)} is after ${limit}`);
  }

  // parameter
  const variable = VARIABLES.get(parameter);
  if (variable === undefined) {
    return reject('unsupported-parameter', `parameter ${quote(parameter)} is not supported`);
  }

  // coordinates
  const latitude = decimal(lat);
  const longitude = decimal(lon);
  if (!Number.isFinite(latitude)) {
    return reject('no-coordinates', `lat ${quote(lat)} is not a decimal number`);
  }
  if (!Number.isFinite(longitude)) {
    return reject('no-coordinates', `lon ${quote(lon)} is not a decimal number`);
  }
  if (!(latitude >= -90 && latitude <= 90)) {
    return reject('no-coordinates', `latitude ${lat} is outside ±90`);
  }
  if (!(longitude >= -180 && longitude <= 180)) {
    return reject('no-coordinates', `longitude ${lon} is outside ±180`);
  }
  if (latitude === 0 && longitude === 0) {
    return reject('no-coordinates', 'coordinates are exactly (0, 0)');
  }

  // unit
  const conversion = unitConversion(variable, units);
  if (conversion === undefined) {
    return reject('unsupported-unit', `units ${quote(units)} is not supported for ${parameter}`);
  }

  // value
  const raw = decimal(value);
  if (!Number.isFinite(raw)) {
    return reject('bad-value', `value ${quote(value)} is not a finite decimal number`);
  }
  if (raw <= SENTINEL_MAX) {
    return reject('sentinel-value', `value ${value} is a no-data sentinel (≤ -999)`);
  }
  const converted = convertValue(raw, conversion);
  if (!Number.isFinite(converted)) {
    return reject('bad-value', `value ${value} ${conversion.unit} overflows when converted`);
  }

  return {
    kind: 'accepted',
    measurement: {
      variable,
      latKey: stationKey4(latitude),
      lngKey: stationKey4(longitude),
      // -0 keys and stores as 0, as for real-time records.
      lat: latitude === 0 ? 0 : latitude,
      lng: longitude === 0 ? 0 : longitude,
      location: capFeedText(location),
      city: '',
      country: '',
      time,
      value: converted === 0 ? 0 : converted,
      flags: raw < 0 ? FLAG_NEGATIVE : FLAG_OK,
      sensorId,
    },
  };
}
