import { DatabaseError } from '../errors.ts';
import { copyText, truncateText } from './copy-text.ts';
import { VARIABLE_IDS } from './variables.ts';

/** Raw text kept per rejected line (DESIGN.md: up to 4 KB). */
export const MAX_RAW_LENGTH = 4096;

/** One accepted record, in TOAR terms (the ingest glue converts OpenAQ measurements to this). */
export interface DataRecord {
  /** Canonical 4-decimal key text, e.g. "34.8378". */
  latKey: string;
  lngKey: string;
  lat: number;
  lng: number;
  location: string;
  city: string;
  country: string;
  /** A `toar.variables.name`. */
  variable: string;
  averagingMinutes: number;
  /** Epoch ms. */
  time: number;
  value: number;
  flags: number;
  /** 1-based line in the object. */
  line: number;
}

/** One rejected line. */
export interface Rejection {
  line: number;
  reason: string;
  message: string;
  raw: string;
}

/** What an object says about a station: its first record there, and every location name. */
export interface StationSighting {
  latKey: string;
  lngKey: string;
  lat: number;
  lng: number;
  location: string;
  city: string;
  country: string;
  line: number;
  locations: Set<string>;
}

/**
 * One object's rows as COPY text, collected while it is parsed: data rows (each with the index of
 * its station among the object's stations; objects are grouped and renumbered for loading), the
 * first sighting of each station, and rejected lines. Pure: no I/O.
 *
 * A data row is kept as its measurement key (`variable_id, minutes, epoch ms`) and its payload
 * (`value, flags`), so that a group can keep only the latest record of each measurement.
 */
export class ObjectBatch {
  readonly key: string;
  readonly fetchedAt: number;
  readonly intervalStart: number;
  lines = 0;
  accepted = 0;
  rejected = 0;
  readonly rejectedByReason: Record<string, number> = {};
  /** Per data row, in line order: `variable_id, minutes, epoch ms` (its station aside). */
  readonly rowKeys: string[] = [];
  /** Per data row: `value, flags`. */
  readonly rowValues: string[] = [];
  /** The station (index into `stations`) of each row. */
  readonly rowStations: number[] = [];
  readonly rejections: string[] = [];
  readonly stations: StationSighting[] = [];
  readonly #stationIndex = new Map<string, number>();

  constructor(key: string, fetchedAt: number, intervalStart: number) {
    this.key = key;
    this.fetchedAt = fetchedAt;
    this.intervalStart = intervalStart;
  }

  addRecord(r: DataRecord): void {
    const variableId = VARIABLE_IDS[r.variable];
    if (variableId === undefined) {
      throw new DatabaseError(`${this.key} line ${r.line}: no TOAR variable ${r.variable}`);
    }
    this.lines++;
    this.accepted++;
    const stationKey = `${r.latKey},${r.lngKey}`;
    let index = this.#stationIndex.get(stationKey);
    if (index === undefined) {
      index = this.stations.length;
      this.#stationIndex.set(stationKey, index);
      this.stations.push({
        latKey: r.latKey,
        lngKey: r.lngKey,
        lat: r.lat,
        lng: r.lng,
        location: r.location,
        city: r.city,
        country: r.country,
        line: r.line,
        locations: new Set(),
      });
    }
    if (r.location !== '') this.stations[index]!.locations.add(r.location);
    this.rowStations.push(index);
    this.rowKeys.push(`${variableId}\t${r.averagingMinutes}\t${r.time}`);
    this.rowValues.push(`${r.value}\t${r.flags}`);
  }

  addRejection(r: Rejection): void {
    this.lines++;
    this.rejected++;
    this.rejectedByReason[r.reason] = (this.rejectedByReason[r.reason] ?? 0) + 1;
    this.rejections.push(
      `${r.line}\t${copyText(r.reason)}\t${copyText(r.message)}\t${copyText(truncateText(r.raw, MAX_RAW_LENGTH))}\n`,
    );
  }
}

/** The COPY texts of objects loaded together. */
export interface GroupTexts {
  /** `g, lat_key, lng_key`: each station of the group once, numbered. */
  keys: string;
  /** `ord, g, variable_id, minutes, epoch ms, value, flags`: the latest record of each measurement. */
  data: string;
  /** `ord, g, line, lat, lng, location, city, country`: each object's first record per station. */
  stations: string;
  /** `g, location`: location names per station. */
  codes: string;
  /** `ord, line, reason, message, raw`. */
  rejections: string;
}

/**
 * Joins objects (already in precedence order: fetch time, then key) into the staging tables'
 * COPY texts: `ord` is an object's position in the group, `g` a station's number in the group.
 * A measurement repeated by several objects (each fetch repeats hours of them) or lines is staged
 * once, from its latest record by (object, line): DESIGN.md's duplicate rule, applied before the
 * database sees the rows.
 */
export function groupTexts(batches: readonly ObjectBatch[]): GroupTexts {
  const groupIndex = new Map<string, number>();
  const keys: string[] = [];
  const latest = new Map<string, string>();
  const stations: string[] = [];
  const codes: string[] = [];
  const rejections: string[] = [];
  batches.forEach((batch, ord) => {
    const local = batch.stations.map((s) => {
      const key = `${s.latKey}\t${s.lngKey}`;
      let g = groupIndex.get(key);
      if (g === undefined) {
        g = groupIndex.size;
        groupIndex.set(key, g);
        keys.push(`${g}\t${key}\n`);
      }
      stations.push(
        `${ord}\t${g}\t${s.line}\t${s.lat}\t${s.lng}\t${copyText(s.location)}\t${copyText(s.city)}\t${copyText(s.country)}\n`,
      );
      for (const location of s.locations) codes.push(`${g}\t${copyText(location)}\n`);
      return g;
    });
    const { rowKeys, rowValues, rowStations } = batch;
    for (let i = 0; i < rowKeys.length; i++) {
      const key = `${local[rowStations[i]!]}\t${rowKeys[i]}`;
      // Later objects and later lines overwrite: the latest record wins.
      latest.set(key, `${ord}\t${key}\t${rowValues[i]}\n`);
    }
    for (const row of batch.rejections) rejections.push(`${ord}\t${row}`);
  });
  return {
    keys: keys.join(''),
    data: [...latest.values()].join(''),
    stations: stations.join(''),
    codes: codes.join(''),
    rejections: rejections.join(''),
  };
}
