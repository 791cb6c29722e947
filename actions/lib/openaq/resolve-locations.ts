import { UsageError } from '../errors.ts';
import { locationOfFolder } from './archive-key.ts';
import type { LocationsSpec } from './locations.ts';
import { parseLocationsFile } from './locations.ts';
import { type LocationsApiContext, locationIdsFromApi } from './locations-api.ts';
import type { SourceLayout } from './source.ts';
import type { SourceStorage } from './source-s3.ts';

/** How long the archive's list of locations (`--locations all`) is reused: a day. */
export const LOCATIONS_CACHE_MS = 86_400_000;

/** Where the list of all locations is kept between runs (a file under the state folder, say). */
export interface LocationsCache {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

/** What resolving `--locations` may use: the shell hands in its file reader, cache and clock. */
export interface LocationsContext {
  storage: Pick<SourceStorage, 'url' | 'listFolders'>;
  readText: (path: string) => Promise<string>;
  cache?: LocationsCache;
  now: () => number;
  log?: (message: string) => void;
  /** For `--bbox`/`--country`: OpenAQ's API, and the key (`OPENAQ_API_KEY`) when there is one. */
  api?: Omit<LocationsApiContext, 'apiKey' | 'now' | 'log'> & { apiKey?: string | undefined };
}

interface CachedLocations {
  source: string;
  listedAt: number;
  ids: number[];
}

/**
 * The location ids a {@link LocationsSpec} names: as given, read from the file, or (for `all`) the
 * archive's `locationid=` folders, listed once with a delimiter and kept in `cache` for a day.
 *
 * @throws UsageError when a file cannot be read or holds no id, or the archive has no location
 * @example
 * await resolveLocations({ kind: 'file', path: 'locations.txt' }, { storage, readText, now: Date.now });
 */
export async function resolveLocations(
  spec: LocationsSpec,
  context: LocationsContext,
): Promise<number[]> {
  if (spec.kind === 'ids') return spec.ids;
  if (spec.kind === 'api') {
    const apiKey = context.api?.apiKey;
    if (context.api === undefined || apiKey === undefined || apiKey === '') {
      throw new UsageError(
        "--bbox and --country ask OpenAQ's API, which needs a key: set OPENAQ_API_KEY (free at explore.openaq.org/register), or give --locations",
      );
    }
    const ids = await locationIdsFromApi(spec.query, {
      ...context.api,
      apiKey,
      now: context.now,
      ...(context.log ? { log: context.log } : {}),
    });
    if (ids.length === 0) throw new UsageError("OpenAQ's API knows no location there");
    context.log?.(`locations: ${ids.length} from OpenAQ's API`);
    return ids;
  }
  if (spec.kind === 'file') {
    let text: string;
    try {
      text = await context.readText(spec.path);
    } catch (error) {
      throw new UsageError(`--locations @${spec.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return parseLocationsFile(text, spec.path);
  }
  const now = context.now();
  const cached = parseCache(await context.cache?.read().catch(() => undefined));
  if (
    cached !== undefined &&
    cached.source === context.storage.url &&
    now - cached.listedAt < LOCATIONS_CACHE_MS &&
    now >= cached.listedAt
  ) {
    context.log?.(
      `locations: ${cached.ids.length} from the list of ${new Date(cached.listedAt).toISOString()}`,
    );
    return cached.ids;
  }
  const ids = (await context.storage.listFolders(''))
    .map(locationOfFolder)
    .filter((id): id is number => id !== null)
    .sort((a, b) => a - b);
  if (ids.length === 0) {
    throw new UsageError(
      `${context.storage.url} has no locationid= folder: is it the archive's root?`,
    );
  }
  const entry: CachedLocations = { source: context.storage.url, listedAt: now, ids };
  await context.cache?.write(JSON.stringify(entry));
  context.log?.(`locations: ${ids.length} listed from ${context.storage.url}`);
  return ids;
}

function parseCache(text: string | undefined): CachedLocations | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<CachedLocations>;
    if (
      typeof value.source === 'string' &&
      typeof value.listedAt === 'number' &&
      Array.isArray(value.ids) &&
      value.ids.every((id) => Number.isSafeInteger(id) && id > 0)
    ) {
      return value as CachedLocations;
    }
  } catch {
    // A damaged cache is listed again.
  }
  return undefined;
}

const DATE_FOLDER = /^\d{4}-\d{2}-\d{2}\/$/;

/**
 * Tells the two layouts apart from the root's folders: `locationid=<n>/` folders are the archive,
 * `YYYY-MM-DD/` folders the real-time layout. Says why, for the log. A root with neither (or that
 * cannot be listed) is taken for the real-time layout, whose checks then say what is wrong.
 *
 * @example
 * await detectLayout(storage); // { layout: 'archive', why: 'locationid= folders at the root' }
 */
export async function detectLayout(
  storage: Pick<SourceStorage, 'listFolders'>,
): Promise<{ layout: SourceLayout; why: string }> {
  let folders: string[];
  try {
    folders = await storage.listFolders('', true);
  } catch {
    return { layout: 'realtime', why: 'the root could not be listed' };
  }
  const archive = folders.some((f) => locationOfFolder(f) !== null);
  const realtime = folders.some((f) => DATE_FOLDER.test(f));
  if (archive && realtime) {
    throw new UsageError(
      'the source holds both locationid= and YYYY-MM-DD folders: say which with --layout archive or --layout realtime',
    );
  }
  if (archive) return { layout: 'archive', why: 'locationid= folders at the root' };
  if (realtime) return { layout: 'realtime', why: 'YYYY-MM-DD folders at the root' };
  return { layout: 'realtime', why: 'no locationid= folder at the root' };
}
