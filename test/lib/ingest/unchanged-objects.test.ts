import { beforeAll, describe, expect, it } from 'vitest';
import { parseObject } from '../../../actions/lib/ingest/parse-object.ts';
import { unchangedObjects } from '../../../actions/lib/ingest/unchanged-objects.ts';
import { ARCHIVE_HEADER } from '../../../actions/lib/openaq/archive-rules.ts';
import { loadObjects } from '../../../actions/lib/toar/load.ts';
import { useMigratedDatabase } from '../../support/database.ts';

const KEY = 'locationid=2178/year=2024/month=03/location-2178-20240301.csv.gz';
const DAY = Date.parse('2024-03-01T00:00:00Z');
const object = (etag: string) => ({
  key: KEY,
  fetchedAt: DAY + 4 * 86_400_000,
  archiveDay: DAY,
  etag,
});

describe('unchangedObjects', () => {
  const db = useMigratedDatabase('unchanged');
  beforeAll(async () => {
    const text = `${ARCHIVE_HEADER.join(',')}\n2178,3919,X,2024-03-01T01:00:00Z,35.1,-106.5,pm10,µg/m³,1\n`;
    const batch = await parseObject(
      new TextEncoder().encode(text),
      { ...object('"e1"'), rulesVersion: 3 },
      DAY,
      {
        maxObjectBytes: 2 ** 31,
      },
    );
    const client = await db.pool.connect();
    try {
      await loadObjects(client, [batch]);
    } finally {
      client.release();
    }
  });

  it('skips an object listed with the ETag and rules it was loaded under, and only that', async () => {
    expect(await unchangedObjects(db.pool, [object('"e1"')], 3)).toEqual({
      toRead: [],
      unchanged: [object('"e1"')],
    });
    // A re-export (another ETag), other rules (reprocess outdated), an object never loaded.
    expect((await unchangedObjects(db.pool, [object('"e2"')], 3)).toRead).toHaveLength(1);
    expect((await unchangedObjects(db.pool, [object('"e1"')], 4)).toRead).toHaveLength(1);
    const other = { ...object('"e1"'), key: KEY.replace('20240301', '20240302') };
    expect((await unchangedObjects(db.pool, [other], 3)).toRead).toEqual([other]);
    // Real-time objects have no ETag: always read, without a query.
    const realtime = { key: '2024-03-01/1709251200.ndjson.gz', fetchedAt: DAY };
    expect(await unchangedObjects(db.pool, [realtime], 3)).toEqual({
      toRead: [realtime],
      unchanged: [],
    });
  });
});
