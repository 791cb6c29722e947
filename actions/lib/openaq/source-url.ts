import { UsageError } from '../errors.ts';
import type { LocationsSpec } from './locations.ts';
import { detectLayout, type LocationsContext, resolveLocations } from './resolve-locations.ts';
import type { Source, SourceLayout } from './source.ts';
import { archiveSource } from './source-archive.ts';
import { folderSource, folderStorage } from './source-folder.ts';
import { type S3SourceOptions, type SourceStorage, s3Access, s3Source } from './source-s3.ts';

/** OpenAQ's public archive (one gzipped CSV per location and day): the default source. */
export const DEFAULT_SOURCE = 's3://openaq-data-archive/records/csv.gz/';

/** OpenAQ's historical real-time bucket (reported private since 2024; any mirror with its layout works). */
export const REALTIME_SOURCE = 's3://openaq-fetches/realtime-gzipped/';

/** The region of OpenAQ's bucket, and of an S3 source whose region is not given. */
export const DEFAULT_S3_REGION = 'us-east-1';

/**
 * Checks a source URL: `s3://bucket/prefix/` or `file:///path`.
 *
 * @param label how the caller names the setting in messages (`--source`, `input 'source'`)
 * @throws UsageError for any other text
 * @example parseSourceUrl('file:///data/realtime-gzipped', '--source') === 'file:///data/realtime-gzipped'
 */
export function parseSourceUrl(text: string, label: string): string {
  if (!/^(?:s3|file):\/\/./.test(text)) {
    throw new UsageError(
      `${label} ${JSON.stringify(text)} is neither s3://bucket/prefix/ nor file:///path/`,
    );
  }
  return text;
}

/**
 * Checks an S3-compatible endpoint: an `http://` or `https://` URL.
 *
 * @throws UsageError for any other text
 * @example parseEndpointUrl('http://127.0.0.1:4568', '--endpoint') === 'http://127.0.0.1:4568'
 */
export function parseEndpointUrl(text: string, label: string): string {
  if (!/^https?:\/\/./.test(text)) {
    throw new UsageError(`${label} ${JSON.stringify(text)} is not an http:// or https:// URL`);
  }
  return text;
}

/**
 * Makes the Source a source URL names: `s3://bucket/prefix/` or `file:///path`.
 *
 * @throws UsageError naming the setting `source` when the URL is neither
 * @example openSource('file:///data/realtime-gzipped')
 */
export function openSource(url: string, options: S3SourceOptions = {}): Source {
  parseSourceUrl(url, 'source');
  return url.startsWith('s3://') ? s3Source(url, options) : folderSource(url);
}

/**
 * The storage a source URL names (S3 or a folder), for the archive layout and for telling layouts
 * apart.
 *
 * @example openStorage('s3://openaq-data-archive/records/csv.gz/', { anonymous: true })
 */
export function openStorage(url: string, options: S3SourceOptions = {}): SourceStorage {
  parseSourceUrl(url, 'source');
  return url.startsWith('s3://') ? s3Access(url, options) : folderStorage(url);
}

/** The layout setting: `auto` tells the two apart from the root's folders. */
export type LayoutSetting = 'auto' | SourceLayout;

/** The layouts `--layout` takes. */
export const LAYOUT_SETTINGS: readonly LayoutSetting[] = ['auto', 'realtime', 'archive'];

/**
 * Opens a source in the layout the settings say (`auto`: see {@link detectLayout}); the archive's
 * locations are resolved from `locations` (required for it).
 *
 * @throws UsageError when the archive layout is chosen and no location is given
 * @example
 * const { source, layout, why } = await openLayoutSource(url, { anonymous: true }, 'auto',
 *   { kind: 'ids', ids: [2178] }, { readText, now: Date.now });
 */
export async function openLayoutSource(
  url: string,
  options: S3SourceOptions,
  layout: LayoutSetting,
  locations: LocationsSpec | undefined,
  context: Omit<LocationsContext, 'storage'>,
): Promise<{ source: Source; layout: SourceLayout; why: string }> {
  if (layout === 'realtime') {
    return { source: openSource(url, options), layout, why: '--layout realtime' };
  }
  const storage = openStorage(url, options);
  const chosen =
    layout === 'archive' ? { layout, why: '--layout archive' } : await detectLayout(storage);
  if (chosen.layout === 'realtime') return { source: openSource(url, options), ...chosen };
  if (locations === undefined) {
    throw new UsageError(
      `${url} is OpenAQ's archive layout (${chosen.why}): say which locations with --locations ` +
        '(ids such as 2178,8118, @file, or all), or --bbox/--country with an OpenAQ API key',
    );
  }
  const ids = await resolveLocations(locations, { ...context, storage });
  return { source: archiveSource(storage, ids), ...chosen };
}
