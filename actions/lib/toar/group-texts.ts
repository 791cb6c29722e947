// A group's COPY texts: objects (in precedence order) joined into the staging tables' rows, with
// each repeated measurement kept once, and the rejected lines split by where they go. Pure.
import { concatBytes } from '../util/bytes.ts';
import { copyText } from './copy-text.ts';
import type { ObjectBatch } from './object-batch.ts';
import { forEachRawLine } from './raw-line-rows.ts';
import { prefixRows } from './text-bytes.ts';

/** The COPY texts of objects loaded together. */
export interface GroupTexts {
  /** `g, lat_key, lng_key`: each station of the group once, numbered. */
  keys: string;
  /** `ord, g, variable_id, minutes, epoch ms, value, flags`: the latest record of each measurement. */
  data: string;
  /** `ord, g, line, lat, lng, location, city, country`: each station's first record in the group. */
  stations: string;
  /** `g, location`: location names per station, each once. */
  codes: string;
}

/**
 * Joins objects (already in precedence order: fetch time, then key) into the staging tables'
 * COPY texts: `ord` is an object's position in the group, `g` a station's number in the group.
 * A measurement repeated by several objects (each fetch repeats hours of them) or lines is staged
 * once, from its latest record by (object, line): DESIGN.md's duplicate rule, applied before the
 * database sees the rows.
 *
 * For the pieces of one object loaded one after another, `options.numbering` carries the station
 * numbers from piece to piece (only stations new to it are in `keys`), and `options.piece` is
 * appended to each data row (stage_data's `piece` column).
 *
 * @example
 * const texts = groupTexts([earlier, later]);
 * await copyInto(client, 'COPY stage_data FROM STDIN', texts.data);
 */
export function groupTexts(
  batches: readonly ObjectBatch[],
  options: { numbering?: Map<string, number>; piece?: number } = {},
): GroupTexts {
  const builder = new GroupTextBuilder(options);
  for (const batch of batches) builder.add(batch);
  return builder.texts();
}

/**
 * {@link groupTexts}, made object by object: each object is taken in as it comes (while the group
 * forms), and only the data rows of each measurement's latest record are written at the end.
 *
 * @example
 * const builder = new GroupTextBuilder();
 * for (const batch of group) builder.add(batch); // as each object is parsed
 * const texts = builder.texts();
 */
export class GroupTextBuilder {
  readonly #groupIndex: Map<string, number>;
  readonly #rowEnd: string;
  readonly #batches: ObjectBatch[] = [];
  readonly #keys: string[] = [];
  // Per series of the group (station number, variable, minutes): measurement time → a slot, which
  // holds the latest record of that measurement (its object's position and row). Slots are small
  // integers in plain arrays: nothing is allocated per row but the map entry of a new measurement.
  readonly #seriesOf = new Map<number, Map<number, Map<number, number>>>();
  readonly #slotOrd: number[] = [];
  readonly #slotRow: number[] = [];
  readonly #slotG: number[] = [];
  readonly #stations: string[] = [];
  readonly #codes: string[] = [];
  readonly #codeSeen = new Set<string>();

  constructor(options: { numbering?: Map<string, number>; piece?: number } = {}) {
    this.#groupIndex = options.numbering ?? new Map<string, number>();
    this.#rowEnd = options.piece === undefined ? '\n' : `\t${options.piece}\n`;
  }

  /** The objects taken in, in order. */
  get batches(): readonly ObjectBatch[] {
    return this.#batches;
  }

  /** Takes in the group's next object (in precedence order). */
  add(batch: ObjectBatch): void {
    const ord = this.#batches.length;
    this.#batches.push(batch);
    const local = batch.stations.map((s) => {
      const key = `${s.latKey}\t${s.lngKey}`;
      let g = this.#groupIndex.get(key);
      if (g === undefined) {
        g = this.#groupIndex.size;
        this.#groupIndex.set(key, g);
        this.#keys.push(`${g}\t${key}\n`);
        // Only a station's first sighting in the group can name it (objects come in precedence
        // order, and a sighting is its object's first record there): the later ones are not staged.
        this.#stations.push(
          `${ord}\t${g}\t${s.line}\t${s.lat}\t${s.lng}\t${copyText(s.location)}\t${copyText(s.city)}\t${copyText(s.country)}\n`,
        );
      }
      for (const location of s.locations) {
        const code = `${g}\t${copyText(location)}\n`;
        if (this.#codeSeen.has(code)) continue;
        this.#codeSeen.add(code);
        this.#codes.push(code);
      }
      return g;
    });
    const seriesOf = this.#seriesOf;
    const slotOrd = this.#slotOrd;
    const slotRow = this.#slotRow;
    const slotG = this.#slotG;
    const { station, variable, minutes, time } = batch.columns;
    let lastStationVariable = -1;
    let lastMinutes = -1;
    let byTime: Map<number, number> | undefined;
    for (let row = 0; row < batch.rows; row++) {
      const g = local[station[row] ?? -1];
      if (g === undefined) throw new RangeError(`${batch.key}: row ${row} has no station`);
      // 8 variable ids fit in 3 bits.
      const stationVariable = g * 8 + (variable[row] ?? 0);
      const m = minutes[row] ?? 0;
      // A fetch lists a series' records one after another: the last series found is tried first.
      if (stationVariable !== lastStationVariable || m !== lastMinutes || byTime === undefined) {
        let byMinutes = seriesOf.get(stationVariable);
        if (byMinutes === undefined) {
          byMinutes = new Map();
          seriesOf.set(stationVariable, byMinutes);
        }
        byTime = byMinutes.get(m);
        if (byTime === undefined) {
          byTime = new Map();
          byMinutes.set(m, byTime);
        }
        lastStationVariable = stationVariable;
        lastMinutes = m;
      }
      const t = time[row] ?? 0;
      let slot = byTime.get(t);
      if (slot === undefined) {
        slot = slotG.length;
        byTime.set(t, slot);
        slotG.push(g);
        slotOrd.push(ord);
        slotRow.push(row);
      } else {
        // Later objects and later lines overwrite: the latest record wins.
        slotOrd[slot] = ord;
        slotRow[slot] = row;
      }
    }
  }

  /** The COPY texts of the objects taken in. */
  texts(): GroupTexts {
    const data: string[] = [];
    const slotG = this.#slotG;
    for (let slot = 0; slot < slotG.length; slot++) {
      const ord = this.#slotOrd[slot] ?? -1;
      const row = this.#slotRow[slot] ?? -1;
      const c = this.#batches[ord]?.columns;
      if (c === undefined) throw new RangeError(`no object ${ord} in the group`);
      data.push(
        `${ord}\t${slotG[slot]}\t${c.variable[row]}\t${c.minutes[row]}\t${c.time[row]}\t${c.value[row]}\t${c.flags[row]}${this.#rowEnd}`,
      );
    }
    return {
      keys: this.#keys.join(''),
      data: data.join(''),
      stations: this.#stations.join(''),
      codes: this.#codes.join(''),
    };
  }
}

/**
 * The rejected lines of a group, split by where they go, one text per object (so that no text of
 * the whole group is ever made: they are copied one after another): `staged` (`ord, line, reason,
 * message, raw_hash`, for the staging table) holds those of the objects at the positions in `staged`,
 * which are merged with what the database has; `direct` (`object_key, interval_start, line,
 * reason, message, raw_hash`, the columns of ops.rejected_records) holds the others, copied straight
 * in. Their raw texts are in {@link distinctRawLines}. `firstOrd` is the position of the first of
 * `batches` in its group (a group staged object by object).
 *
 * @example
 * rejectionTexts([batch], new Set()).direct; // ['2018-06-07/1.ndjson\t2018-06-07T00:00:00.000Z\t3\tbad-json\t…\n']
 */
export function rejectionTexts(
  batches: readonly ObjectBatch[],
  staged: ReadonlySet<number>,
  firstOrd = 0,
): { staged: Iterable<Uint8Array>; direct: Iterable<Uint8Array> } {
  // Made as they are copied: one object's prefixed text at a time, never the group's.
  function* texts(toStage: boolean): Generator<Uint8Array> {
    for (const [index, batch] of batches.entries()) {
      const ord = firstOrd + index;
      if (batch.rejections.length === 0 || staged.has(ord) !== toStage) continue;
      // Every row ends with a newline (fields are COPY-escaped): each gets the prefix.
      yield prefixRows(
        batch.rejections.view(),
        toStage
          ? `${ord}\t`
          : `${copyText(batch.key)}\t${new Date(batch.intervalStart).toISOString()}\t`,
      );
    }
  }
  return {
    staged: { [Symbol.iterator]: () => texts(true) },
    direct: { [Symbol.iterator]: () => texts(false) },
  };
}

/**
 * The `raw_hash, raw` COPY text of a group's rejected lines, each distinct text once (a fetch
 * repeats most of the previous fetch's rejected lines): one text per object, made as it is copied,
 * holding the texts no earlier object of the group had. A batch whose texts a
 * `RawLineRegistry` holds gives them from there. `seen` holds the hashes of texts not to give
 * (those an earlier load committed) and is added to.
 *
 * @example
 * await copyInto(client, 'COPY stage_lines FROM STDIN', distinctRawLines(batches));
 */
export function distinctRawLines(
  batches: readonly ObjectBatch[],
  seen: Set<string> = new Set(),
): Iterable<Uint8Array> {
  function* texts(): Generator<Uint8Array> {
    for (const batch of batches) {
      const shared = batch.sharedLines;
      const own = batch.rejectedLines.view();
      const parts: Uint8Array[] = [];
      let length = 0;
      const take = (hash: string, row: Uint8Array) => {
        if (seen.has(hash)) return;
        seen.add(hash);
        parts.push(row);
        length += row.length;
      };
      forEachRawLine(own, (hash, row) => take(hash, row));
      for (const hash of shared?.hashes ?? [])
        take(hash, shared?.row(hash) ?? missing(batch, hash));
      if (length > 0) yield concatBytes(parts, length);
    }
  }
  return { [Symbol.iterator]: texts };
}

function missing(batch: ObjectBatch, hash: string): never {
  throw new RangeError(`${batch.key}: the raw text of rejected line hash ${hash} was released`);
}
