// The site's pages, as paths relative to its base (every page is `<route>/index.html`). One place,
// so that pages link to each other and other code (a promotion pull request's body) links to them
// alike. Pure and Web-standard.

/** The home page: every model. */
export const HOME_ROUTE = '';

/** The data page: ingestion health, rejected lines, stations, timings. */
export const DATA_ROUTE = 'data/';

/**
 * A model's page.
 *
 * @example modelRoute('ozone-forest') === 'models/ozone-forest/'
 */
export function modelRoute(name: string): string {
  return `models/${encodeURIComponent(name)}/`;
}

/**
 * A version's page.
 *
 * @example versionRoute('ozone-forest', 3) === 'models/ozone-forest/v3/'
 */
export function versionRoute(name: string, version: number): string {
  return `${modelRoute(name)}v${version}/`;
}

/**
 * Two versions side by side (the older first), as a promotion pull request links it.
 *
 * @example compareRoute('ozone-forest', 4, 3) === 'models/ozone-forest/compare/v3...v4/'
 */
export function compareRoute(name: string, a: number, b: number): string {
  return `${modelRoute(name)}compare/v${Math.min(a, b)}...v${Math.max(a, b)}/`;
}

/**
 * A route under a base path (`/` or `/repo/`, as GitHub Pages serves a project site).
 *
 * @example under('/freshet/', versionRoute('ozone', 3)) === '/freshet/models/ozone/v3/'
 */
export function under(base: string, route: string): string {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return `${prefix}${route}`;
}
