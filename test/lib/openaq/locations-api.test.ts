// OpenAQ's API v3 `GET /v3/locations`, served by a local HTTP server shaped as docs.openaq.org
// documents it: `{ meta: { name, website, page, limit, found }, results: [{ id, name, … }] }`, the
// `x-ratelimit-*` headers on every answer, 429 with `retry-after`, the key in `X-API-Key`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError, UsageError } from '../../../actions/lib/errors.ts';
import {
  LOCATIONS_PAGE_LIMIT,
  locationIdsFromApi,
  parseBbox,
  parseCountry,
  RateLimiter,
} from '../../../actions/lib/openaq/locations-api.ts';
import { resolveLocations } from '../../../actions/lib/openaq/resolve-locations.ts';

const KEY = 'test-key-1234';

interface Seen {
  query: Record<string, string>;
  key: string | undefined;
}

/** A v3 server over `locations` (id, country, coordinates), answering `answer` first when set. */
async function startApi(
  locations: { id: number; iso: string; lon: number; lat: number }[],
  script: ((req: IncomingMessage, res: ServerResponse) => boolean)[] = [],
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = req.headers['x-api-key'];
    seen.push({
      query: Object.fromEntries(url.searchParams),
      key: typeof key === 'string' ? key : undefined,
    });
    res.setHeader('x-ratelimit-limit', '60');
    res.setHeader('x-ratelimit-used', String(seen.length));
    res.setHeader('x-ratelimit-remaining', String(Math.max(0, 60 - seen.length)));
    res.setHeader('x-ratelimit-reset', '42');
    const step = script.shift();
    if (step?.(req, res)) return;
    if (key !== KEY) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"Unauthorized"}');
      return;
    }
    if (url.pathname !== '/v3/locations') {
      res.writeHead(404).end();
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const page = Number(url.searchParams.get('page') ?? '1');
    const iso = url.searchParams.get('iso');
    const bbox = url.searchParams.get('bbox')?.split(',').map(Number);
    const selected = locations.filter(
      (l) =>
        (iso === null || l.iso === iso) &&
        (bbox === undefined ||
          (l.lon >= (bbox[0] ?? 0) &&
            l.lat >= (bbox[1] ?? 0) &&
            l.lon <= (bbox[2] ?? 0) &&
            l.lat <= (bbox[3] ?? 0))),
    );
    const results = selected.slice((page - 1) * limit, page * limit).map((l) => ({
      id: l.id,
      name: `Location ${l.id}`,
      country: { id: 155, code: l.iso, name: l.iso },
      coordinates: { latitude: l.lat, longitude: l.lon },
      sensors: [],
    }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        meta: { name: 'openaq-api', website: '/', page, limit, found: selected.length },
        results,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

/** A clock that only moves when the code under test sleeps. */
function fakeTime() {
  let now = Date.parse('2024-03-01T00:00:00Z');
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      if (ms > 0) slept.push(ms);
      now += ms;
    },
    slept,
  };
}

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

const US = Array.from({ length: LOCATIONS_PAGE_LIMIT + 3 }, (_, i) => ({
  id: 10_000 + i,
  iso: 'US',
  lon: -106 + i / 10_000,
  lat: 35,
}));
const IN = [{ id: 8118, iso: 'IN', lon: 77.2, lat: 28.6 }];

describe('locationIdsFromApi', () => {
  it('pages through /v3/locations with limit 1000 and the key, by country', async () => {
    const api = await startApi([...US, ...IN]);
    server = api.server;
    const time = fakeTime();
    const ids = await locationIdsFromApi(
      { country: 'US' },
      { apiKey: KEY, baseUrl: api.url, fetch, ...time },
    );
    expect(ids).toHaveLength(LOCATIONS_PAGE_LIMIT + 3);
    expect(ids[0]).toBe(10_000);
    expect(api.seen.map((s) => s.query)).toEqual([
      { limit: '1000', page: '1', iso: 'US' },
      { limit: '1000', page: '2', iso: 'US' },
    ]);
    expect(api.seen.every((s) => s.key === KEY)).toBe(true);
  });

  it('asks for a bounding box as minLon,minLat,maxLon,maxLat', async () => {
    const api = await startApi([...US, ...IN]);
    server = api.server;
    const ids = await locationIdsFromApi(
      { bbox: [77, 28, 78, 29] },
      { apiKey: KEY, baseUrl: api.url, fetch, ...fakeTime() },
    );
    expect(ids).toEqual([8118]);
    expect(api.seen[0]?.query.bbox).toBe('77,28,78,29');
  });

  it('waits as a 429 says (retry-after), then goes on', async () => {
    const tooMany = (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"detail":"Too many requests"}');
      return true;
    };
    const api = await startApi(IN, [tooMany]);
    server = api.server;
    const time = fakeTime();
    expect(
      await locationIdsFromApi(
        { country: 'IN' },
        { apiKey: KEY, baseUrl: api.url, fetch, ...time },
      ),
    ).toEqual([8118]);
    expect(time.slept).toEqual([7000]);
    expect(api.seen).toHaveLength(2);
  });

  it('waits for the reset when x-ratelimit-remaining reaches 0', async () => {
    const exhausted = (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('x-ratelimit-remaining', '0');
      return false;
    };
    const api = await startApi(US, [exhausted]);
    server = api.server;
    const time = fakeTime();
    await locationIdsFromApi({ country: 'US' }, { apiKey: KEY, baseUrl: api.url, fetch, ...time });
    // The second page waited for the reset the first answer announced (42 s).
    expect(time.slept).toEqual([42_000]);
  });

  it('says what to do when the key is refused, and gives up on a failing API', async () => {
    const api = await startApi(IN);
    server = api.server;
    await expect(
      locationIdsFromApi(
        { country: 'IN' },
        { apiKey: 'wrong', baseUrl: api.url, fetch, ...fakeTime() },
      ),
    ).rejects.toThrow(/OPENAQ_API_KEY/);
    const failing = (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(503).end();
      return true;
    };
    const down = await startApi(IN, Array(5).fill(failing));
    try {
      await expect(
        locationIdsFromApi(
          { country: 'IN' },
          { apiKey: KEY, baseUrl: down.url, fetch, ...fakeTime() },
        ),
      ).rejects.toThrow(SourceError);
      expect(down.seen).toHaveLength(5);
    } finally {
      await new Promise((resolve) => down.server.close(resolve));
    }
  });

  it('is what --bbox/--country resolve to, and needs a key', async () => {
    const api = await startApi(IN);
    server = api.server;
    const storage = { url: 'file:///archive', listFolders: async () => [] };
    const context = { storage, readText: async () => '', now: Date.now };
    const spec = { kind: 'api', query: { country: 'IN' } } as const;
    await expect(resolveLocations(spec, context)).rejects.toThrow(UsageError);
    await expect(resolveLocations(spec, context)).rejects.toThrow(/OPENAQ_API_KEY/);
    const ids = await resolveLocations(spec, {
      ...context,
      api: { apiKey: KEY, baseUrl: api.url, fetch, sleep: async () => {} },
    });
    expect(ids).toEqual([8118]);
  });
});

describe('RateLimiter', () => {
  it('keeps to 60 requests a minute and 2,000 an hour', () => {
    const limiter = new RateLimiter();
    let now = 0;
    for (let i = 0; i < 60; i++) {
      expect(limiter.delay(now)).toBe(0);
      limiter.record(now);
      now += 100;
    }
    // The 61st waits until the first is a minute old.
    expect(limiter.delay(now)).toBe(60_000 - now);
    const hourly = new RateLimiter();
    let t = 0;
    for (let i = 0; i < 2_000; i++) {
      t += hourly.delay(t);
      hourly.record(t);
    }
    // 2,000 requests took 33 full minutes at 60 a minute; the 2,001st waits for the hour.
    expect(hourly.delay(t)).toBeGreaterThan(0);
    expect(t + hourly.delay(t)).toBe(3_600_000);
  });
});

describe('parseBbox and parseCountry', () => {
  it('read the flags, and refuse what is not a box or a code', () => {
    expect(parseBbox('-106.8,34.9,-106.4,35.3', '--bbox')).toEqual([-106.8, 34.9, -106.4, 35.3]);
    for (const bad of ['1,2,3', '10,0,5,1', '0,0,1,1,2', 'a,b,c,d', '-181,0,0,1']) {
      expect(() => parseBbox(bad, '--bbox')).toThrow(/--bbox/);
    }
    expect(parseCountry(' us ', '--country')).toBe('US');
    expect(() => parseCountry('USA', '--country')).toThrow(/--country/);
  });
});
