import { SourceError, UsageError } from '../errors.ts';

/**
 * Location ids from OpenAQ's API v3 (`GET /v3/locations`, docs.openaq.org): the locations in a
 * bounding box (`bbox=minLon,minLat,maxLon,maxLat`) or a country (`iso=US`), paged with `limit`
 * 1000. OpenAQ's documented limits are honoured: 60 requests a minute and 2,000 an hour per key
 * (counted here before each request), its `x-ratelimit-remaining`/`x-ratelimit-reset` headers (an
 * exhausted allowance waits for the reset) and a 429's `retry-after`.
 */

/** OpenAQ's API. */
export const OPENAQ_API_URL = 'https://api.openaq.org';
/** The largest page `/v3/locations` gives. */
export const LOCATIONS_PAGE_LIMIT = 1000;
/** OpenAQ's documented allowance for a free key. */
export const RATE_LIMITS = [
  { requests: 60, windowMs: 60_000 },
  { requests: 2_000, windowMs: 3_600_000 },
] as const;
/** Answers worth another try (429, 5xx), at most this many times each. */
const MAX_RETRIES = 5;

/** Which locations: a bounding box, a country, or both (the API takes both at once). */
export interface LocationsQuery {
  /** `[minLon, minLat, maxLon, maxLat]`. */
  bbox?: readonly [number, number, number, number];
  /** ISO 3166-1 alpha-2, e.g. `US`. */
  country?: string;
}

/** What the API client uses: the shell's fetch, key, clock and sleep. */
export interface LocationsApiContext {
  apiKey: string;
  baseUrl?: string;
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

/**
 * Reads `--bbox minLon,minLat,maxLon,maxLat`.
 *
 * @throws UsageError naming `label` when it is not four numbers in range with min < max
 * @example parseBbox('-106.8,34.9,-106.4,35.3', '--bbox') // [-106.8, 34.9, -106.4, 35.3]
 */
export function parseBbox(text: string, label: string): [number, number, number, number] {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map((p) => (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(p) ? Number(p) : Number.NaN));
  const [minLon, minLat, maxLon, maxLat] = numbers as [number, number, number, number];
  const ok =
    numbers.length === 4 &&
    numbers.every(Number.isFinite) &&
    minLon >= -180 &&
    maxLon <= 180 &&
    minLat >= -90 &&
    maxLat <= 90 &&
    minLon < maxLon &&
    minLat < maxLat;
  if (!ok) {
    throw new UsageError(
      `${label} ${JSON.stringify(text)} is not minLon,minLat,maxLon,maxLat (e.g. -106.8,34.9,-106.4,35.3)`,
    );
  }
  return [minLon, minLat, maxLon, maxLat];
}

/**
 * Reads `--country`: an ISO 3166-1 alpha-2 code.
 *
 * @example parseCountry('us', '--country') // 'US'
 */
export function parseCountry(text: string, label: string): string {
  const code = text.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) {
    throw new UsageError(`${label} ${JSON.stringify(text)} is not a two-letter ISO code (e.g. US)`);
  }
  return code;
}

/**
 * The client side of OpenAQ's allowance: the times of recent requests, and how long to wait before
 * the next one. Pure but for the clock it is given.
 *
 * @example
 * const limiter = new RateLimiter(); await sleep(limiter.delay(now())); limiter.record(now());
 */
export class RateLimiter {
  readonly #sent: number[] = [];
  /** When the server said the allowance is back (from its headers or a 429), epoch ms. */
  #blockedUntil = 0;

  /** Milliseconds to wait at `now` before a request keeps within every window. */
  delay(now: number): number {
    let wait = Math.max(0, this.#blockedUntil - now);
    for (const { requests, windowMs } of RATE_LIMITS) {
      const inWindow = this.#sent.filter((t) => t > now - windowMs);
      if (inWindow.length >= requests) {
        const oldest = inWindow[inWindow.length - requests] ?? now;
        wait = Math.max(wait, oldest + windowMs - now);
      }
    }
    return wait;
  }

  record(now: number): void {
    this.#sent.push(now);
    const hour = RATE_LIMITS[RATE_LIMITS.length - 1]?.windowMs ?? 3_600_000;
    while ((this.#sent[0] ?? now) <= now - hour) this.#sent.shift();
  }

  /** The server says no request until `until` (epoch ms). */
  block(until: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, until);
  }
}

/** Seconds in a header, as ms; undefined when absent or not a number. */
function secondsHeader(response: Response, name: string): number | undefined {
  const text = response.headers.get(name);
  if (text === null || !/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  return Number(text) * 1000;
}

/**
 * Every location id the query selects, in id order, from as many pages as there are.
 *
 * @throws UsageError when the key is refused (401/403) or the query is (422)
 * @throws SourceError when the API cannot be reached, or keeps failing
 * @example
 * await locationIdsFromApi({ country: 'US' }, { apiKey, fetch, now: Date.now, sleep });
 */
export async function locationIdsFromApi(
  query: LocationsQuery,
  context: LocationsApiContext,
  limiter: RateLimiter = new RateLimiter(),
): Promise<number[]> {
  const ids = new Set<number>();
  for (let page = 1; ; page++) {
    const url = new URL('/v3/locations', context.baseUrl ?? OPENAQ_API_URL);
    url.searchParams.set('limit', String(LOCATIONS_PAGE_LIMIT));
    url.searchParams.set('page', String(page));
    if (query.bbox) url.searchParams.set('bbox', query.bbox.join(','));
    if (query.country) url.searchParams.set('iso', query.country);
    const body = await getJson(url, context, limiter);
    const results = (body as { results?: unknown }).results;
    if (!Array.isArray(results)) {
      throw new SourceError(`${url.pathname}: the answer has no results list`);
    }
    for (const result of results) {
      const id = (result as { id?: unknown }).id;
      if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ids.add(id);
    }
    context.log?.(`OpenAQ API: page ${page}, ${results.length} locations`);
    if (results.length < LOCATIONS_PAGE_LIMIT) break;
  }
  return [...ids].sort((a, b) => a - b);
}

async function getJson(
  url: URL,
  context: LocationsApiContext,
  limiter: RateLimiter,
): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    await context.sleep(limiter.delay(context.now()));
    limiter.record(context.now());
    let response: Response;
    try {
      response = await context.fetch(url, {
        headers: { 'X-API-Key': context.apiKey, accept: 'application/json' },
      });
    } catch (error) {
      if (attempt < MAX_RETRIES) continue;
      throw new SourceError(`cannot reach ${url.origin}`, { cause: error });
    }
    const reset = secondsHeader(response, 'x-ratelimit-reset');
    if (response.headers.get('x-ratelimit-remaining')?.trim() === '0' && reset !== undefined) {
      limiter.block(context.now() + reset);
    }
    if (response.ok) return response.json();
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) {
      throw new UsageError(
        `OpenAQ's API refused the key (HTTP ${response.status}): set OPENAQ_API_KEY to a key from explore.openaq.org/register`,
      );
    }
    if (response.status === 422 || response.status === 400) {
      throw new UsageError(
        `OpenAQ's API refused the query ${url.search} (HTTP ${response.status})`,
      );
    }
    if ((response.status === 429 || response.status >= 500) && attempt < MAX_RETRIES) {
      const wait =
        secondsHeader(response, 'retry-after') ??
        reset ??
        (response.status === 429 ? 60_000 : 1000 * attempt);
      limiter.block(context.now() + wait);
      context.log?.(`OpenAQ API: HTTP ${response.status}, waiting ${Math.round(wait / 1000)} s`);
      continue;
    }
    throw new SourceError(`${url.pathname}${url.search}: HTTP ${response.status}`);
  }
}
