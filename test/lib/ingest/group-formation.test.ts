import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { GroupFormation } from '../../../actions/lib/ingest/group-formation.ts';
import { loadGroup } from '../../../actions/lib/ingest/load-group.ts';
import { groupTexts } from '../../../actions/lib/toar/group-texts.ts';
import type { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { rawLineHash } from '../../../actions/lib/toar/raw-line.ts';
import { RawLineRegistry } from '../../../actions/lib/toar/raw-line-registry.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';
import { useMigratedDatabase } from '../../support/database.ts';
import { sampleBatch } from '../../support/sample-records.ts';

const T = Date.parse('2018-06-07T00:00:00Z');

function object(key: string, fetchedAt: number, raw: string): ObjectBatch {
  const batch = sampleBatch(key, fetchedAt, [{ value: fetchedAt / 600_000 }], T);
  batch.addRejection({ line: 2, reason: 'no-coordinates', message: 'm', raw });
  return batch;
}

describe('GroupFormation', () => {
  const db = useMigratedDatabase('formation');

  it('makes a group ready as its objects join, and hands it to its load', async () => {
    const formation = new GroupFormation(db.pool, silentLogger);
    const registry = new RawLineRegistry();
    const a = object('g/1', T, 'same text');
    const b = object('g/2', T + 600_000, 'same text');
    for (const batch of [a, b]) registry.adopt(batch);
    formation.join(a, true);
    formation.join(b, false);
    expect(formation.textsOf([a, b])).toEqual(groupTexts([a, b]));
    // Other objects than those that joined: made from them.
    expect(formation.textsOf([b])).toEqual(groupTexts([b]));
    const handed = formation.handOver();
    expect(handed.forming).toBeDefined();
    expect(handed.storedLines).toEqual(new Set());
    // Handed over once: a stopped run then has nothing of it to roll back.
    expect(formation.handOver().forming).toBeUndefined();
    const items = [a, b].map((batch) => ({ task: batch.key, batch }));
    const outcome = await loadGroup(db.pool, items, silentLogger, {
      texts: groupTexts([a, b]),
      ...handed,
    });
    expect(outcome.failed).toEqual([]);
    formation.loaded(outcome);
    expect(formation.handOver().storedLines).toEqual(new Set([rawLineHash('same text')]));
  });

  it('stages nothing ahead with a pool of one connection, and rolls back what a stopped run formed', async () => {
    const single = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const alone = new GroupFormation(single, silentLogger);
      alone.join(object('h/1', T, 'x'), true);
      expect(alone.handOver().forming).toBeUndefined();
    } finally {
      await single.end();
    }
    const formation = new GroupFormation(db.pool, silentLogger);
    formation.join(object('h/2', T, 'y'), true);
    await formation.abandon();
    expect(formation.handOver().forming).toBeUndefined();
    expect(db.pool.totalCount - db.pool.idleCount).toBe(0);
    const keys = await db.pool.query(`SELECT key FROM ops.source_objects WHERE key LIKE 'h/%'`);
    expect(keys.rows).toEqual([]);
  });
});
