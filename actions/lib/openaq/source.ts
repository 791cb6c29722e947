/** The two layouts a source can have (DESIGN.md: the real-time fetches, the archive). */
export type SourceLayout = 'realtime' | 'archive';

/** A span of time `[start, end)` in epoch ms (the openaq module depends on nothing else of lib). */
export interface TimeSpan {
  start: number;
  end: number;
}

/** An object of a source: of the real-time layout, selected by its fetch time, or of the archive. */
export interface SourceObject {
  /** The full key (S3) or path relative to the source root (folder), e.g. `2018-06-07/1528329600.ndjson.gz`. */
  key: string;
  /** Real-time: fetch time from the name's leading number; archive: the object's LastModified. Epoch ms. */
  fetchedAt: number;
  /** Archive objects only: the key's date, 00:00 UTC, epoch ms (what selects the archive rules). */
  archiveDay?: number;
  /** Archive objects only: the object's ETag as listed (an unchanged one is not read again). */
  etag?: string;
}

/** What one listing of an interval found. */
export interface SourceListing {
  /** Objects whose fetch time lies in the interval, by fetch time then key. */
  objects: SourceObject[];
  /**
   * Entries of the listed folders that are not fetch objects (`2018-06-07/README.txt`) or cannot be
   * read as one (a FIFO, a device): counted, never an error.
   */
  skipped: string[];
  /**
   * Fetch objects filed under another UTC date than their fetch time's (`2018-06-07/1528416000.ndjson`
   * is fetched on 2018-06-08): counted and logged, never ingested, since no interval of their folder
   * holds their fetch time and no interval of their date lists their folder.
   */
  misfiled: string[];
}

/**
 * Where fetches come from: an S3 bucket or a folder with the real-time layout
 * (`<root>/YYYY-MM-DD/<unix>[_suffix].ndjson[.gz]`).
 */
export interface Source {
  /** The URL it was made from, for logs and `ops.ingest_runs`. */
  readonly url: string;
  /**
   * The layout it reads (absent: `realtime`): 10-minute intervals of fetch objects, or the
   * archive's days of location objects.
   */
  readonly layout?: SourceLayout;
  /**
   * Checks that the source exists and can be listed, before a run records anything: throws a
   * UsageError when it does not (a folder that is not there, a bucket that answers NoSuchBucket or
   * AccessDenied, a prefix with nothing under it), a SourceError when it cannot be reached.
   */
  check(): Promise<void>;
  /** The objects of an interval; lists only the date folders the interval touches. */
  list(span: TimeSpan): Promise<SourceListing>;
  /**
   * The object's bytes as they come, a chunk at a time, so that no object is ever held whole (a
   * failure to read throws from the iteration, as a SourceError naming the object). Stopping the
   * iteration early releases the file or the connection.
   */
  read(object: SourceObject): AsyncIterable<Uint8Array>;
}

/** The UTC date (`YYYY-MM-DD`) of an instant. */
function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of every UTC date that `[start, end)` touches. */
function dateFoldersOf(span: TimeSpan): string[] {
  const day = 86_400_000;
  const folders: string[] = [];
  if (span.end <= span.start) return folders;
  for (let t = Math.floor(span.start / day) * day; t < span.end; t += day) {
    folders.push(utcDate(t));
  }
  return folders;
}

/** The entries of one date folder. */
export interface FolderEntries {
  /** Base names of the objects that can be read, in any order. */
  names: string[];
  /** Base names of entries that cannot be read as objects (a FIFO, a device, a broken link). */
  unreadable: string[];
}

/** The two things a storage must do for the real-time layout. */
export interface LayoutStorage {
  url: string;
  /** Checks that the root exists and can be listed (see {@link Source.check}). */
  checkRoot(): Promise<void>;
  /** The entries of one date folder (`YYYY-MM-DD`). */
  listFolder(folder: string): Promise<FolderEntries>;
  /** Reads `folder/name`, a chunk at a time (see {@link Source.read}). */
  readObject(key: string): AsyncIterable<Uint8Array>;
}

/**
 * A Source over any storage with the real-time layout. Each date folder is listed once per Source
 * (a run that ingests a day of intervals lists that day once), and its non-fetch names (skipped)
 * and misfiled objects are reported with the first interval that touches the folder.
 */
export function layoutSource(
  storage: LayoutStorage,
  parseName: (name: string) => { fetchedAt: number } | null,
): Source {
  const folders = new Map<
    string,
    Promise<{ objects: SourceObject[]; skipped: string[]; misfiled: string[] }>
  >();
  const reported = new Set<string>();
  const folderListing = (folder: string) => {
    let listing = folders.get(folder);
    if (!listing) {
      listing = storage.listFolder(folder).then((entries) => {
        const objects: SourceObject[] = [];
        const skipped = entries.unreadable.map((name) => `${folder}/${name}`);
        const misfiled: string[] = [];
        for (const name of entries.names) {
          const parsed = parseName(name);
          if (!parsed) skipped.push(`${folder}/${name}`);
          else if (utcDate(parsed.fetchedAt) !== folder) misfiled.push(`${folder}/${name}`);
          else objects.push({ key: `${folder}/${name}`, fetchedAt: parsed.fetchedAt });
        }
        return { objects, skipped, misfiled };
      });
      listing.catch(() => folders.delete(folder));
      folders.set(folder, listing);
    }
    return listing;
  };
  return {
    url: storage.url,
    layout: 'realtime',
    check: () => storage.checkRoot(),
    async list(span) {
      const objects: SourceObject[] = [];
      const skipped: string[] = [];
      const misfiled: string[] = [];
      for (const folder of dateFoldersOf(span)) {
        const listing = await folderListing(folder);
        for (const object of listing.objects) {
          if (object.fetchedAt >= span.start && object.fetchedAt < span.end) objects.push(object);
        }
        if (!reported.has(folder)) {
          reported.add(folder);
          skipped.push(...listing.skipped);
          misfiled.push(...listing.misfiled);
        }
      }
      objects.sort(compareObjects);
      return { objects, skipped, misfiled };
    },
    read: (object) => storage.readObject(object.key),
  };
}

/** Fetch-time order, then key (byte order): the precedence of DESIGN.md's duplicates rule. */
function compareObjects(a: SourceObject, b: SourceObject): number {
  if (a.fetchedAt !== b.fetchedAt) return a.fetchedAt - b.fetchedAt;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
