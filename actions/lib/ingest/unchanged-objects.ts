import type { SourceObject } from '../openaq/source.ts';
import type { DatabasePool } from '../toar/database.ts';

/**
 * Splits listed archive objects into those to read and those unchanged: an object whose listed
 * ETag equals the one `ops.source_objects` recorded when it was loaded is not read again (DESIGN.md:
 * OpenAQ rewrites a location-day when it patches it, and only then). Objects without an ETag (the
 * real-time layout) are always read, and so is an object loaded under other rules than
 * `rulesVersion` (a backfill with `reprocess: outdated` must re-apply them). One query per interval.
 *
 * @example
 * const { toRead, unchanged } = await unchangedObjects(db, listed.objects, RULES_VERSION);
 */
export async function unchangedObjects(
  db: DatabasePool,
  objects: readonly SourceObject[],
  rulesVersion: number,
): Promise<{ toRead: SourceObject[]; unchanged: SourceObject[] }> {
  const withEtag = objects.filter((o) => o.etag !== undefined && o.etag !== '');
  if (withEtag.length === 0) return { toRead: [...objects], unchanged: [] };
  const { rows } = await db.query<{ key: string; etag: string }>(
    `SELECT key, etag FROM ops.source_objects
     WHERE key = ANY($1::text[]) AND etag IS NOT NULL AND rules_version = $2`,
    [withEtag.map((o) => o.key), rulesVersion],
  );
  const loaded = new Map(rows.map((r) => [r.key, r.etag]));
  const toRead: SourceObject[] = [];
  const unchanged: SourceObject[] = [];
  for (const object of objects) {
    const same = object.etag !== undefined && loaded.get(object.key) === object.etag;
    (same ? unchanged : toRead).push(object);
  }
  return { toRead, unchanged };
}
