// The doctor's locations check: with the archive layout, every configured location must have
// objects in the source, or its days would load nothing, silently (a location without an object
// on a day is an empty location-day, never an error). The real-time layout has no locations.
import { UsageError } from '../errors.ts';
import { locationOfFolder } from '../openaq/archive-key.ts';
import { newestLocationDays } from '../openaq/location-days.ts';
import type { LocationsSpec } from '../openaq/locations.ts';
import {
  detectLayout,
  type LocationsContext,
  resolveLocations,
} from '../openaq/resolve-locations.ts';
import type { SourceStorage } from '../openaq/source-s3.ts';
import type { LayoutSetting } from '../openaq/source-url.ts';
import type { CheckOutcome } from './doctor.ts';

/** What the check reads: the source's storage (listed, never read), the files, the API. */
export interface LocationsCheckContext extends Omit<LocationsContext, 'storage'> {
  readonly storage: Pick<SourceStorage, 'url' | 'listFolders' | 'listObjects'>;
}

/** Locations named in one line before `and N more`. */
const NAMED = 10;

const WHERE = 'the variable FRESHET_LOCATIONS (or --locations)';
const SELECT = `set ${WHERE} to OpenAQ location ids such as 2178,8118, @a-file-of-ids.txt or all, or FRESHET_BBOX / FRESHET_COUNTRY (--bbox, --country) with the secret OPENAQ_API_KEY`;

/** `2178, 8118 and 3 more`. */
function named(ids: readonly (number | string)[]): string {
  const shown = ids.slice(0, NAMED).join(', ');
  return ids.length > NAMED ? `${shown} and ${ids.length - NAMED} more` : shown;
}

const date = (day: number) => new Date(day).toISOString().slice(0, 10);

/**
 * Whether the locations `locations` selects can be found in the source. The layout is the one
 * configured (`auto`: told from the source's folders, as ingest tells it); with the real-time
 * layout the check is skipped. Ids (given, or read from a file) are each looked up as the archive
 * source lists a location ({@link newestLocationDays}); `all` needs the source to have
 * `locationid=` folders; locations found through OpenAQ's API are counted, not listed one by one.
 *
 * @example
 * await locationsOutcome('archive', { kind: 'ids', ids: [2178] }, { storage, readText, now: Date.now });
 * // { status: 'ok', message: '1 location, each with objects in s3://…: 2178 (newest 2024-03-01)' }
 */
export async function locationsOutcome(
  layout: LayoutSetting,
  locations: LocationsSpec | undefined,
  context: LocationsCheckContext,
): Promise<Omit<CheckOutcome, 'check'>> {
  const { storage } = context;
  const chosen = layout === 'auto' ? await detectLayout(storage) : { layout, why: 'as configured' };
  if (chosen.layout === 'realtime') {
    return {
      status: 'skipped',
      message: `the layout is realtime (${chosen.why}): locations select the archive's objects only`,
    };
  }
  if (locations === undefined) {
    return {
      status: 'problem',
      message: `the archive layout (${chosen.why}) needs locations and none is given: ${SELECT}`,
    };
  }
  if (locations.kind === 'all') {
    const found = (await storage.listFolders('', true)).filter((f) => locationOfFolder(f) !== null);
    if (found.length === 0) {
      return {
        status: 'problem',
        message: `${storage.url} has no locationid= folder, so all selects nothing: point FRESHET_SOURCE (--source) at the archive's root, e.g. s3://openaq-data-archive/records/csv.gz/`,
      };
    }
    return {
      status: 'ok',
      message: `all: every locationid= folder of ${storage.url} (its listing starts with ${named(found.map((f) => locationOfFolder(f) ?? 0))})`,
    };
  }
  let ids: number[];
  try {
    ids = await resolveLocations(locations, { ...context, storage });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { status: 'problem', message: `${error.problems.join('; ')}: fix ${WHERE}` };
  }
  if (locations.kind === 'api') {
    return {
      status: 'ok',
      message: `${ids.length} location${ids.length === 1 ? '' : 's'} from OpenAQ's API (each one's objects are not looked up)`,
    };
  }
  const newest = await newestLocationDays(storage, ids);
  const missing = [...newest].filter(([, day]) => day === undefined).map(([id]) => id);
  if (missing.length > 0) {
    const [one] = missing;
    return {
      status: 'problem',
      message:
        `${missing.length === 1 ? `location ${one} has` : `locations ${named(missing)} have`} no object in ${storage.url}: ` +
        `check ${missing.length === 1 ? 'the id' : 'each id'} on OpenAQ's explorer (https://explore.openaq.org/locations/${one}) and fix ${WHERE}`,
    };
  }
  const found = [...newest].map(([id, day]) => `${id} (newest ${date(day ?? 0)})`);
  return {
    status: 'ok',
    message: `${ids.length} location${ids.length === 1 ? '' : 's'}, each with objects in ${storage.url}: ${named(found)}`,
  };
}
