import { DatabaseError } from '../errors.ts';
import { copyText } from './copy-text.ts';
import { rawLineHash, storedRawText } from './raw-line.ts';
import { TextBytes } from './text-bytes.ts';
import { VARIABLE_IDS } from './variables.ts';

/** What an accepted record says, in TOAR terms (the ingest glue converts OpenAQ measurements to this). */
export interface RecordFields {
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
}

/** One accepted record and its line. */
export interface DataRecord extends RecordFields {
  /** 1-based line in the object. */
  line: number;
}

/** A batch's raw texts as a `RawLineRegistry` holds them: its distinct hashes, and each one's row. */
export interface SharedRawLines {
  readonly hashes: readonly string[];
  /** The `raw_hash, raw` COPY row of a hash (newline included), while the registry holds it. */
  row(hash: string): Uint8Array | undefined;
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
  /** Distinct non-empty `location` values, in the order first seen. */
  locations: string[];
}

/**
 * An object's data rows as columns (one typed array per field), so that a batch made on a worker
 * thread crosses to the loader as a few transferred buffers instead of a graph of objects.
 */
export interface RowColumns {
  /** The station (index into `stations`) of each row. */
  station: Int32Array;
  /** `toar.variables.id`. */
  variable: Uint8Array;
  /** Averaging minutes (real-time), or the `sensors_id` (archive): what tells a station's series of a variable apart. */
  minutes: Float64Array;
  /** Epoch ms. */
  time: Float64Array;
  value: Float64Array;
  flags: Uint8Array;
}

/** An {@link ObjectBatch} as plain data, for `postMessage` (see {@link ObjectBatch.toMessage}). */
export interface ObjectBatchMessage {
  key: string;
  fetchedAt: number;
  intervalStart: number;
  archive: boolean;
  etag: string | null;
  rulesVersion: number | null;
  lines: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  rows: number;
  columns: RowColumns;
  stations: StationSighting[];
  /** UTF-8 COPY text of the rejected lines (see {@link ObjectBatch.rejections}). */
  rejections: Uint8Array;
  /** UTF-8 COPY text of their raw texts (see {@link ObjectBatch.rejectedLines}). */
  rejectedLines: Uint8Array;
}

const INITIAL_CAPACITY = 1024;
/** Where a raw text's row has its hash's 64 hex digits: after COPY's `\\x`. */
const HASH_DIGITS_AT = 3;
/** A raw text's row's first field before its hash is known. */
const BLANK_HASH_FIELD = `\\\\x${'0'.repeat(64)}\t`;
/** Bytes per row of {@link RowColumns}: 4 + 1 + 8 + 8 + 8 + 1. */
const BYTES_PER_ROW = 30;
/** A station sighting's object and strings, roughly. */
const BYTES_PER_STATION = 200;

function emptyColumns(capacity: number): RowColumns {
  return {
    station: new Int32Array(capacity),
    variable: new Uint8Array(capacity),
    minutes: new Float64Array(capacity),
    time: new Float64Array(capacity),
    value: new Float64Array(capacity),
    flags: new Uint8Array(capacity),
  };
}

/** The first `rows` rows of `columns`, copied into columns of `capacity` rows. */
function resized(columns: RowColumns, rows: number, capacity: number): RowColumns {
  const next = emptyColumns(capacity);
  next.station.set(columns.station.subarray(0, rows));
  next.variable.set(columns.variable.subarray(0, rows));
  next.minutes.set(columns.minutes.subarray(0, rows));
  next.time.set(columns.time.subarray(0, rows));
  next.value.set(columns.value.subarray(0, rows));
  next.flags.set(columns.flags.subarray(0, rows));
  return next;
}

/**
 * One object's rows, collected while it is parsed: data rows as columns (each with the index of its
 * station among the object's stations; objects are grouped and renumbered for loading), the first
 * sighting of each station, and rejected lines as COPY text. Pure: no I/O.
 *
 * @example
 * const batch = new ObjectBatch('2018-06-07/1528329600.ndjson.gz', 1528329600000, 1528329600000);
 * batch.addRecord({ latKey: '10.5', lngKey: '-3', lat: 10.50001, lng: -3, location: 'Here',
 *   city: 'Town', country: 'XX', variable: 'o3', averagingMinutes: 60, time: 0, value: 30,
 *   flags: 0, line: 1 });
 * batch.rows; // 1
 */
export class ObjectBatch {
  readonly key: string;
  readonly fetchedAt: number;
  readonly intervalStart: number;
  /**
   * An object of OpenAQ's archive: its series are per sensor (the `minutes` column holds the
   * `sensors_id`, there being no averaging period), and its precedence is its key, then line.
   */
  archive = false;
  /** The ETag the object was read with (recorded in `ops.source_objects`), when known. */
  etag: string | null = null;
  /** The rules version it was parsed under (recorded with the ETag), when known. */
  rulesVersion: number | null = null;
  lines = 0;
  accepted = 0;
  rejected = 0;
  readonly rejectedByReason: Record<string, number> = {};
  /** Data rows in line order; the first {@link rows} entries of each column are used. */
  columns: RowColumns;
  rows = 0;
  /** Each station's first sighting in the object, in the order first seen. */
  readonly stations: StationSighting[] = [];
  /**
   * `line, reason, message, raw_hash` COPY text of every rejected line, as UTF-8 (see
   * {@link TextBytes}); `raw_hash` is the SHA-256 of its raw text, as COPY writes a bytea (`\\x…`).
   */
  rejections = new TextBytes();
  /** `raw_hash, raw` COPY text of the rejected lines' raw texts: each distinct text once. */
  rejectedLines = new TextBytes();
  /** Its raw texts when a `RawLineRegistry` holds them (and {@link rejectedLines} is empty). */
  sharedLines: SharedRawLines | null = null;
  /** The hashes in {@link rejectedLines}. */
  readonly #lineHashes = new Set<string>();
  /** lat key → lng key → index into `stations` (nested: no key text is built per record). */
  readonly #stationIndex = new Map<string, Map<string, number>>();

  constructor(key: string, fetchedAt: number, intervalStart: number) {
    this.key = key;
    this.fetchedAt = fetchedAt;
    this.intervalStart = intervalStart;
    this.columns = emptyColumns(INITIAL_CAPACITY);
  }

  /** Adds an accepted record (see {@link addAccepted}). */
  addRecord(r: DataRecord): void {
    this.addAccepted(r, r.line);
  }

  /** Adds an accepted record of line `line`, without copying `r` (the rules' measurement fits). */
  addAccepted(r: RecordFields, line: number): void {
    const variableId = VARIABLE_IDS[r.variable];
    if (variableId === undefined) {
      throw new DatabaseError(`${this.key} line ${line}: no TOAR variable ${r.variable}`);
    }
    this.lines++;
    this.accepted++;
    let byLng = this.#stationIndex.get(r.latKey);
    if (byLng === undefined) {
      byLng = new Map();
      this.#stationIndex.set(r.latKey, byLng);
    }
    let index = byLng.get(r.lngKey);
    let sighting: StationSighting | undefined;
    if (index === undefined) {
      index = this.stations.length;
      byLng.set(r.lngKey, index);
      sighting = {
        latKey: r.latKey,
        lngKey: r.lngKey,
        lat: r.lat,
        lng: r.lng,
        location: r.location,
        city: r.city,
        country: r.country,
        line,
        locations: [],
      };
      this.stations.push(sighting);
    } else {
      sighting = this.stations[index];
    }
    if (r.location !== '' && sighting !== undefined && !sighting.locations.includes(r.location)) {
      sighting.locations.push(r.location);
    }
    if (this.rows === this.columns.time.length) {
      this.columns = resized(this.columns, this.rows, this.rows * 2);
    }
    const row = this.rows++;
    const columns = this.columns;
    columns.station[row] = index;
    columns.variable[row] = variableId;
    columns.minutes[row] = r.averagingMinutes;
    columns.time[row] = r.time;
    columns.value[row] = r.value;
    columns.flags[row] = r.flags;
  }

  /**
   * About how much memory the batch holds, in bytes: its columns as allocated, its rejected lines'
   * text and its stations. What pieces of objects and load groups are cut by.
   */
  estimatedBytes(): number {
    return (
      this.columns.time.length * BYTES_PER_ROW +
      this.rejections.length +
      this.rejectedLines.length +
      this.stations.length * BYTES_PER_STATION
    );
  }

  /** Adds another batch's line counts to this one's (an object's totals over its pieces). */
  addCounts(other: ObjectBatch): void {
    this.lines += other.lines;
    this.accepted += other.accepted;
    this.rejected += other.rejected;
    for (const [reason, n] of Object.entries(other.rejectedByReason)) {
      this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + n;
    }
  }

  addRejection(r: Rejection): void {
    this.lines++;
    this.rejected++;
    this.rejectedByReason[r.reason] = (this.rejectedByReason[r.reason] ?? 0) + 1;
    const raw = storedRawText(r.raw);
    const escaped = copyText(raw);
    // The text's row is written at once, its hash left blank: the text is encoded once, and hashed
    // where it lies when COPY needs no escape in it (nearly always); the row is taken back when
    // the object had the text already.
    const lines = this.rejectedLines;
    const row = lines.length;
    lines.append(BLANK_HASH_FIELD);
    const text = lines.length;
    lines.append(escaped);
    const hash = rawLineHash(escaped === raw ? lines.view().subarray(text) : raw);
    lines.append('\n');
    if (this.#lineHashes.has(hash)) {
      lines.truncate(row);
    } else {
      this.#lineHashes.add(hash);
      lines.overwrite(row + HASH_DIGITS_AT, hash);
    }
    this.rejections.append(
      `${r.line}\t${copyText(r.reason)}\t${copyText(r.message)}\t\\\\x${hash}\n`,
    );
  }

  /**
   * The batch as plain data and the buffers to transfer with it (`postMessage(message, transfer)`);
   * the columns are trimmed to the rows, so the batch must not be used afterwards.
   */
  toMessage(): { message: ObjectBatchMessage; transfer: ArrayBuffer[] } {
    const columns = resized(this.columns, this.rows, this.rows);
    const message: ObjectBatchMessage = {
      key: this.key,
      fetchedAt: this.fetchedAt,
      intervalStart: this.intervalStart,
      archive: this.archive,
      etag: this.etag,
      rulesVersion: this.rulesVersion,
      lines: this.lines,
      accepted: this.accepted,
      rejected: this.rejected,
      rejectedByReason: this.rejectedByReason,
      rows: this.rows,
      columns,
      stations: this.stations,
      rejections: this.rejections.bytes(),
      rejectedLines: this.rejectedLines.bytes(),
    };
    const transfer = [
      ...Object.values(columns).map((c: ArrayBufferView) => c.buffer as ArrayBuffer),
      message.rejections.buffer as ArrayBuffer,
      message.rejectedLines.buffer as ArrayBuffer,
    ];
    return { message, transfer };
  }

  /** The batch {@link toMessage} described. */
  static fromMessage(message: ObjectBatchMessage): ObjectBatch {
    const batch = new ObjectBatch(message.key, message.fetchedAt, message.intervalStart);
    batch.archive = message.archive;
    batch.etag = message.etag;
    batch.rulesVersion = message.rulesVersion;
    batch.lines = message.lines;
    batch.accepted = message.accepted;
    batch.rejected = message.rejected;
    Object.assign(batch.rejectedByReason, message.rejectedByReason);
    batch.columns = message.columns;
    batch.rows = message.rows;
    for (const station of message.stations) {
      batch.stations.push(station);
      let byLng = batch.#stationIndex.get(station.latKey);
      if (byLng === undefined) {
        byLng = new Map();
        batch.#stationIndex.set(station.latKey, byLng);
      }
      byLng.set(station.lngKey, batch.stations.length - 1);
    }
    batch.rejections = new TextBytes(message.rejections);
    batch.rejectedLines = new TextBytes(message.rejectedLines);
    return batch;
  }
}
