import type pg from 'pg';
import { describeError } from '../errors.ts';
import { dataSpan } from '../toar/data-months.ts';
import type { DatabasePool } from '../toar/database.ts';
import { OpenGroup } from '../toar/load.ts';
import type { ObjectBatch } from '../toar/object-batch.ts';
import type { Logger } from '../util/logger.ts';
import { sameItems } from '../util/same-items.ts';
import { connectionLost } from './load-group.ts';

/** A forming group's transaction, with the connection it is open on. */
export interface TakenGroup {
  client: pg.PoolClient;
  group: OpenGroup;
}

/**
 * The transaction of the load group being formed, on a connection of its own: opened at the
 * group's first object, each object staged into it (see {@link OpenGroup.add}) as soon as it is
 * parsed, while the previous group loads. When the group is complete, {@link FormingGroup.take}
 * hands the transaction to the loading step, which then only stages the group's data and applies
 * it: the staging of the last group's objects no longer follows the end of the parse.
 *
 * It opens only once `notBefore` settles: the previous load must have made its month partitions
 * first, since making one waits for every transaction that wrote to `ops.source_objects`, this one
 * included, which waits for that load (see `ensureDataPartitions`).
 *
 * Best effort, never in the way: an object that fails to stage, or has rows in a month the group did
 * not make when it opened, leaves the transaction unused; {@link FormingGroup.take} then rolls it
 * back, and the group is loaded from its objects as if none had been staged. Never throws.
 *
 * @example
 * const forming = new FormingGroup(pool, logger, previousLoadOpened);
 * for (const batch of group) forming.add(batch);
 * const taken = await forming.take(group); // undefined: load the group the ordinary way
 */
export class FormingGroup {
  readonly #pool: DatabasePool;
  /** Listens to the connection while it waits between objects (see `connectionLost`). */
  readonly #onLost: (error: Error) => void;
  /** The staging steps, one after another. */
  #chain: Promise<void>;
  #client: pg.PoolClient | undefined;
  #group: OpenGroup | undefined;
  /** Why the transaction cannot be used (the first reason), once it cannot: kept for debugging. */
  #unusable: string | undefined;
  #closed = false;

  constructor(pool: DatabasePool, logger: Logger, notBefore: Promise<unknown>) {
    this.#pool = pool;
    this.#onLost = connectionLost(logger);
    this.#chain = notBefore.then(
      () => {},
      () => {},
    );
  }

  /** Stages `batch` (the group's next object) once the objects before it are. */
  add(batch: ObjectBatch): void {
    this.#chain = this.#chain.then(() => this.#stage(batch));
  }

  async #stage(batch: ObjectBatch): Promise<void> {
    if (this.#unusable !== undefined || this.#closed) return;
    try {
      if (this.#group === undefined) {
        const client = await this.#pool.connect();
        this.#client = client;
        client.on('error', this.#onLost);
        this.#group = await OpenGroup.open(client, dataSpan([batch])?.months ?? []);
      }
      // Refused when it has rows in a month the group did not make when it opened.
      await this.#group.add(batch);
    } catch (error) {
      this.#unusable = describeError(error);
    }
  }

  /**
   * The transaction with exactly `batches` staged, and its connection (the caller releases it), or
   * `undefined` when the group must be loaded the ordinary way (the transaction, if any, rolled
   * back and its connection released).
   */
  async take(batches: readonly ObjectBatch[]): Promise<TakenGroup | undefined> {
    await this.#chain;
    const client = this.#client;
    const group = this.#group;
    if (this.#closed) return undefined;
    const complete = group !== undefined && sameItems(group.batches, batches);
    if (client === undefined || group === undefined || this.#unusable !== undefined || !complete) {
      // Not worth a word: a failure that lasts fails the ordinary load too, and is reported there.
      await this.abandon();
      return undefined;
    }
    this.#closed = true;
    client.off('error', this.#onLost);
    return { client, group };
  }

  /** Rolls the transaction back, if any, and releases its connection (a stopped run). */
  async abandon(): Promise<void> {
    await this.#chain;
    if (this.#closed) return;
    this.#closed = true;
    const client = this.#client;
    if (client === undefined) return;
    await this.#group?.rollback();
    client.off('error', this.#onLost);
    // A connection whose staging failed may be broken: the pool drops it.
    client.release(this.#unusable === undefined ? undefined : true);
  }
}
