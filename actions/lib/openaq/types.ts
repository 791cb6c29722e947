/** The TOAR variables OpenAQ parameters map to, in the order of DESIGN.md's table. */
export const TOAR_VARIABLES = ['o3', 'no2', 'so2', 'co', 'pm2p5', 'pm10', 'bc'] as const;
export type ToarVariable = (typeof TOAR_VARIABLES)[number];

/** Why a line was rejected: the first rule of DESIGN.md's table that it fails. */
export const REJECT_REASONS = [
  'bad-json',
  'bad-date',
  'future-date',
  'unsupported-parameter',
  'no-coordinates',
  'unsupported-unit',
  'bad-value',
  'sentinel-value',
  'bad-averaging-period',
] as const;

/** The archive's own reason (DESIGN.md, archive rule "parse"); the others are shared. */
export const ARCHIVE_ONLY_REJECT_REASONS = ['bad-csv'] as const;

export type RejectReason =
  | (typeof REJECT_REASONS)[number]
  | (typeof ARCHIVE_ONLY_REJECT_REASONS)[number];

/** Flag values stored in `toar.data.flags`. */
export const FLAG_OK = 0;
export const FLAG_NEGATIVE = 1;

/** One accepted OpenAQ record, converted to TOAR units and keys. */
export interface Measurement {
  variable: ToarVariable;
  /** Station key: latitude rounded half away from zero to 4 decimals, as canonical decimal text ("34.8378", "-3", "0.5"). */
  latKey: string;
  /** Station key: longitude, same rounding. */
  lngKey: string;
  /** Coordinates as given in the record. */
  lat: number;
  lng: number;
  /** The record's `location`, '' when missing, null or not a string; at most 200 characters. */
  location: string;
  /** The record's `city` and `country`, '' when missing or not a string; at most 200 characters. */
  city: string;
  country: string;
  /** Measurement time (`date.utc`), epoch milliseconds UTC. */
  time: number;
  /** Value in TOAR units (ppb for gases, µg m⁻³ for particles). */
  value: number;
  /** FLAG_OK or FLAG_NEGATIVE. */
  flags: number;
  /** Averaging period in whole minutes (60 when missing). */
  averagingMinutes: number;
}

/**
 * One accepted archive record (DESIGN.md, "OpenAQ archive record → TOAR rows"): a measurement
 * whose series is its sensor, with no stated averaging period and no city or country.
 */
export interface ArchiveMeasurement extends Omit<Measurement, 'averagingMinutes'> {
  /** The record's `sensors_id`: one series per sensor, never merged. */
  sensorId: number;
}

/** What the archive rules make of one record line. */
export type ArchiveLineOutcome =
  | { kind: 'accepted'; measurement: ArchiveMeasurement }
  | { kind: 'rejected'; reason: RejectReason; message: string };

/** What the rules make of one non-blank line. */
export type LineOutcome =
  | { kind: 'accepted'; measurement: Measurement }
  | { kind: 'rejected'; reason: RejectReason; message: string };

/** One physical line of an object. */
export interface SourceLine {
  /** 1-based physical line number in the object (blank lines count). */
  number: number;
  /** The line decoded as UTF-8 (with U+FFFD where it was not valid), without its line terminator. */
  text: string;
  /** False when the bytes were not valid UTF-8 (the line is then rejected as bad-json). */
  validUtf8: boolean;
  /**
   * Set when the line is longer than the longest line read (1 MiB): its length in bytes. `text`
   * then holds only its first 4 KB, and the line is rejected as `line-too-long`.
   */
  overLength?: number;
}
