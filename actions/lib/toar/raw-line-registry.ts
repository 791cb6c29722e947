// The raw texts of rejected lines held for the batches waiting to load, each text once. Pure.
import type { ObjectBatch } from './object-batch.ts';
import { forEachRawLine } from './raw-line-rows.ts';
import { TextBytes } from './text-bytes.ts';

/**
 * Holds each distinct raw text of the rejected lines of the batches adopted and not yet released,
 * once: a real-time fetch repeats most of the previous fetch's rejected lines, so the batches
 * waiting for their group (and the group loading) would otherwise hold the same texts many times
 * over. A text stays while a batch that has it is adopted and not released.
 *
 * @example
 * const registry = new RawLineRegistry();
 * registry.adopt(batch); // batch.rejectedLines is empty now; batch.sharedLines names its texts
 * await loadObjects(client, [batch]);
 * registry.release(batch);
 */
export class RawLineRegistry {
  readonly #rows = new Map<string, { row: Uint8Array; refs: number }>();
  #bytes = 0;

  /** Distinct texts held. */
  get size(): number {
    return this.#rows.size;
  }

  /** Bytes of the texts held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Moves `batch`'s raw texts here: each one not held yet is copied, the others counted. */
  adopt(batch: ObjectBatch): void {
    if (batch.sharedLines !== null) throw new RangeError(`${batch.key} is adopted already`);
    const hashes: string[] = [];
    forEachRawLine(batch.rejectedLines.view(), (hash, row) => {
      const held = this.#rows.get(hash);
      if (held !== undefined) {
        held.refs++;
      } else {
        this.#rows.set(hash, { row: row.slice(), refs: 1 });
        this.#bytes += row.length;
      }
      hashes.push(hash);
    });
    batch.rejectedLines = new TextBytes();
    batch.sharedLines = { hashes, row: (hash) => this.#rows.get(hash)?.row };
  }

  /** Lets go of `batch`'s texts (it is loaded, or failed): a text no adopted batch has is dropped. */
  release(batch: ObjectBatch): void {
    const shared = batch.sharedLines;
    if (shared === null) return;
    for (const hash of shared.hashes) {
      const held = this.#rows.get(hash);
      if (held === undefined) continue;
      held.refs--;
      if (held.refs === 0) {
        this.#rows.delete(hash);
        this.#bytes -= held.row.length;
      }
    }
    batch.sharedLines = null;
  }
}
