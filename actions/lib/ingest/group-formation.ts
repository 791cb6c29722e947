import { type DatabasePool, mayHoldTwo } from '../toar/database.ts';
import { GroupTextBuilder, type GroupTexts, groupTexts } from '../toar/group-texts.ts';
import type { ObjectBatch } from '../toar/object-batch.ts';
import type { Logger } from '../util/logger.ts';
import { sameItems } from '../util/same-items.ts';
import { FormingGroup } from './forming-group.ts';
import type { GroupLoadOptions, GroupOutcome } from './load-group.ts';

/**
 * The load group being formed, made ready as its objects come, so that little is left to do once
 * the last of them is parsed: its COPY texts ({@link GroupTextBuilder}) and, when the pool may open
 * two connections, its transaction with each object staged in it ({@link FormingGroup}), opened once
 * the load before it has opened its own. It also remembers which rejected lines' texts the last
 * group to commit stored, which the next need not stage again (one group's: memory stays bounded).
 *
 * @example
 * const formation = new GroupFormation(pool, logger);
 * // as each object joins the group being formed: formation.join(batch, first)
 * const texts = formation.textsOf(group);
 * const loading = loadGroup(pool, items, logger, { texts, onOpened, ...formation.handOver() });
 * formation.loadStarted(opened, loading);
 */
export class GroupFormation {
  readonly #db: DatabasePool;
  readonly #logger: Logger;
  /** A pool of one connection would wait for itself: its groups are not staged ahead. */
  readonly #stageAhead: boolean;
  #forming: FormingGroup | undefined;
  #texts = new GroupTextBuilder();
  /** Settles once the last load handed over has opened its transaction, or ended. */
  #opened: Promise<unknown> = Promise.resolve();
  #storedLines: ReadonlySet<string> = new Set();

  constructor(db: DatabasePool, logger: Logger) {
    this.#db = db;
    this.#logger = logger;
    this.#stageAhead = mayHoldTwo(db);
  }

  /** `batch` joins the group being formed (`first`: it starts a new one). */
  join(batch: ObjectBatch, first: boolean): void {
    if (first) {
      this.#forming = this.#stageAhead
        ? new FormingGroup(this.#db, this.#logger, this.#opened)
        : undefined;
      this.#texts = new GroupTextBuilder();
    }
    this.#forming?.add(batch);
    this.#texts.add(batch);
  }

  /** The COPY texts of the complete group `batches` (made as they came, when they are these). */
  textsOf(batches: readonly ObjectBatch[]): GroupTexts {
    return sameItems(this.#texts.batches, batches) ? this.#texts.texts() : groupTexts(batches);
  }

  /**
   * What the complete group's load takes besides its texts: its staged transaction, which the
   * formation lets go of, and the texts stored before it.
   */
  handOver(): Pick<GroupLoadOptions, 'forming' | 'storedLines'> {
    const forming = this.#forming;
    this.#forming = undefined;
    return { ...(forming ? { forming } : {}), storedLines: this.#storedLines };
  }

  /**
   * The load handed over has started: the next group opens its transaction once `opened` settles
   * (that load's transaction is open, its month partitions made) or `loading` ends (a load that
   * failed before opening never says so).
   */
  loadStarted(opened: Promise<void>, loading: Promise<void>): void {
    this.#opened = Promise.race([opened, loading]);
  }

  /** The outcome of a group's load: the texts its committed parts stored. */
  loaded(outcome: GroupOutcome<unknown>): void {
    this.#storedLines = new Set(
      outcome.loaded.flatMap((part) =>
        part.items.flatMap(({ batch }) => batch.sharedLines?.hashes ?? []),
      ),
    );
  }

  /** A large object was loaded alone: it made its partitions as it ended, the next may open now. */
  largeLoaded(): void {
    this.#opened = Promise.resolve();
  }

  /** Rolls back the group being formed, if staged (a run that stops). */
  async abandon(): Promise<void> {
    const forming = this.#forming;
    this.#forming = undefined;
    await forming?.abandon();
  }
}
