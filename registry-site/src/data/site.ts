// The site's data, written by `freshet site build` as one JSON file whose path the build defines
// as __FRESHET_SITE_DATA__ (a file read at build time: importing it would bundle it into every page).
import { readFileSync } from 'node:fs';
import type { SiteData } from '../../../actions/lib/site/site-data.ts';

declare const __FRESHET_SITE_DATA__: string | undefined;

let cached: SiteData | undefined;

/** The data every page renders (read once per build). */
export function siteData(): SiteData {
  if (cached) return cached;
  const path = typeof __FRESHET_SITE_DATA__ === 'string' ? __FRESHET_SITE_DATA__ : undefined;
  if (!path) {
    throw new Error('the registry site is built by `freshet site build`, which hands it its data');
  }
  cached = JSON.parse(readFileSync(path, 'utf8')) as SiteData;
  return cached;
}
