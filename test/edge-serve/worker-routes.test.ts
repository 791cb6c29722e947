// The Worker in workerd (Miniflare, over HTTP on 127.0.0.1): every route, model references by alias
// and version, the forecast route against the library's iterated forecast, the headers every
// response carries, CORS, and that no route changes anything.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFeatureRow, type FeatureSpec } from '../../actions/lib/training/data/features.ts';
import { formatHour } from '../../actions/lib/training/data/hours.ts';
import {
  parseModelJson,
  predictBatch,
  predictServing,
  type ServingForest,
} from '../../actions/lib/training/forest/index.ts';
import { type LocalWorker, startLocalWorker } from '../../edge-serve/local/local-worker.ts';
import { bundleOf, EXAMPLE_SPEC, ozoneSeries, trainExample } from './model-fixture.ts';

const NAME = 'ozone-forest';
const OTHER = 'ozone-short';
const HOUR = 3_600_000;
/** A second model: two-hour horizon, fewer lags. */
const SHORT_SPEC = {
  version: 1,
  target: 'o3',
  horizon: 2,
  lags: [0, 1, 5],
  calendar: ['hour'],
} as const;

let worker: LocalWorker;
/** The bundle's temporary folder. */
let temporary: string | undefined;
const models = new Map<string, ServingForest>();

beforeAll(async () => {
  const versions = [
    trainExample({ name: NAME, version: 1, hours: 24 * 40, trees: 10, seed: 1 }),
    trainExample({ name: NAME, version: 2, hours: 24 * 40, trees: 12, seed: 2 }),
    trainExample({
      name: OTHER,
      version: 5,
      hours: 24 * 40,
      trees: 8,
      spec: SHORT_SPEC,
    }),
  ];
  const { root, registry, bundle } = await bundleOf(
    versions,
    { [NAME]: { production: 1, staging: 2 }, [OTHER]: { production: 5 } },
    NAME,
  );
  for (const [name, version] of [
    [NAME, 1],
    [NAME, 2],
    [OTHER, 5],
  ] as const) {
    const text = await readFile(join(registry, name, String(version), 'model.json'), 'utf8');
    models.set(`${name}/${version}`, parseModelJson(text));
  }
  temporary = root;
  worker = await startLocalWorker({ assetsDir: bundle });
});
afterAll(async () => {
  await worker?.dispose();
  if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
});

function model(key: string): ServingForest {
  const found = models.get(key);
  if (found === undefined) throw new Error(`no model ${key} in the test`);
  return found;
}

async function request(path: string, init?: RequestInit) {
  const response = await fetch(new URL(path, worker.url), init);
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    headers: response.headers,
    body: type.includes('json') ? JSON.parse(text) : text,
  };
}

const postJson = (path: string, body: unknown) =>
  request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('service routes', () => {
  it('GET /ping, /health and /version answer 200', async () => {
    expect(await request('/ping')).toMatchObject({ status: 200, body: '\n' });
    expect(await request('/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', default_model: NAME, models: [NAME, OTHER] },
    });
    expect(await request('/version')).toMatchObject({
      status: 200,
      body: { version: '0.1.0', bundle_built_at: '2014-03-01T00:00:00Z' },
    });
  });

  it('GET /models lists the deployed models with their aliases and versions', async () => {
    expect((await request('/models')).body).toEqual({
      default_model: NAME,
      models: [
        { name: NAME, aliases: { production: 1, staging: 2 }, versions: [1, 2] },
        { name: OTHER, aliases: { production: 5 }, versions: [5] },
      ],
    });
  });

  it('GET /models/:name is the production version card: metrics, data window, features, min_observations', async () => {
    const { status, body, headers } = await request(`/models/${NAME}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: NAME,
      version: 1,
      aliases: ['production'],
      data: { variable: 'o3', start: '2014-01-01T00:00:00Z', end: '2014-03-01T00:00:00Z' },
      features: model(`${NAME}/1`).inputs,
      output: 'o3',
      horizon: 1,
      min_observations: 25,
    });
    expect(Object.keys(body.metrics)).toContain('rmse');
    expect(headers.get('X-Model-Version')).toBe('1');
    expect((await request(`/models/${NAME}@staging`)).body).toMatchObject({ version: 2 });
    expect((await request(`/models/${NAME}/2`)).body).toMatchObject({
      version: 2,
      aliases: ['staging'],
    });
    expect((await request(`/models/${OTHER}`)).body).toMatchObject({
      features: ['o3_lag0', 'o3_lag1', 'o3_lag5', 'hour_sin', 'hour_cos'],
      min_observations: 7,
    });
  });

  it('answers 404 for an unknown model, alias, version or route', async () => {
    for (const [path, message] of [
      ['/models/nope', /no model "nope" is deployed \(deployed: ozone-forest, ozone-short\)/],
      [`/models/${NAME}@canary`, /has no alias "canary" \(aliases: production, staging\)/],
      [`/models/${NAME}/3`, /version 3 of ozone-forest is not deployed \(deployed: 1, 2\)/],
      ['/nowhere', /no route GET \/nowhere/],
    ] as const) {
      const { status, body } = await request(path);
      expect({ path, status }).toEqual({ path, status: 404 });
      expect(body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(body.message).toMatch(message);
    }
  });
});

describe('model references on /invocations', () => {
  const x = new Float32Array(11).fill(30);
  const body = { instances: [[...x]] };
  const expected = (key: string) => [...predictBatch(model(key), x, 1)];

  it('serves the default model at production, any alias, any deployed version', async () => {
    for (const [path, key, version] of [
      ['/invocations', `${NAME}/1`, '1'],
      [`/models/${NAME}/invocations`, `${NAME}/1`, '1'],
      [`/models/${NAME}@staging/invocations`, `${NAME}/2`, '2'],
      [`/models/${NAME}/2/invocations`, `${NAME}/2`, '2'],
    ] as const) {
      const { status, body: answer, headers } = await postJson(path, body);
      expect({ path, status }).toEqual({ path, status: 200 });
      expect(answer.predictions).toEqual(expected(key));
      expect([headers.get('X-Model-Name'), headers.get('X-Model-Version')]).toEqual([
        NAME,
        version,
      ]);
    }
    const short = await postJson(`/models/${OTHER}/invocations`, {
      instances: [[1, 2, 3, 0.5, 0.5]],
    });
    expect(short.body.predictions).toEqual([
      ...predictBatch(model(`${OTHER}/5`), new Float32Array([1, 2, 3, 0.5, 0.5]), 1),
    ]);
    expect(short.headers.get('X-Model-Version')).toBe('5');
  });
});

describe('POST /models/:name/forecast', () => {
  const series = ozoneSeries(24 * 45, 5);
  // The last 30 hours of a series the model never saw.
  const recent = series.times.slice(-30).map((time, i) => ({
    time: formatHour(time),
    value: series.values[series.values.length - 30 + i] ?? 0,
  }));

  /** The library's iterated forecast: one row per hour ahead, built from all observations. */
  function libraryForecast(key: string, spec: FeatureSpec, hours: number) {
    const times = recent.map((o) => Date.parse(o.time));
    const values = recent.map((o) => o.value);
    const out: { time: string; value: number }[] = [];
    for (let step = 1; step <= hours; step++) {
      const hour = (times.at(-1) ?? 0) + HOUR;
      const row = buildFeatureRow(spec, { target: { times, values } }, hour - spec.horizon * HOUR);
      const value = predictServing(model(key), row);
      times.push(hour);
      values.push(value);
      out.push({ time: formatHour(hour), value });
    }
    return out;
  }

  it('returns the next hours, equal to the library iterated forecast', async () => {
    const { status, body, headers } = await postJson(`/models/${NAME}/forecast`, {
      observations: recent,
      horizon: 24,
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      model: NAME,
      version: 1,
      forecast: libraryForecast(`${NAME}/1`, EXAMPLE_SPEC, 24),
    });
    expect(body.forecast[0].time).toBe(formatHour(Date.parse(recent.at(-1)?.time ?? '') + HOUR));
    expect(headers.get('Server-Timing')).toMatch(/load;dur=[\d.]+, predict;dur=[\d.]+, total;dur=/);
  });

  it('forecasts with a longer horizon from rows issued hours before', async () => {
    const { body } = await postJson(`/models/${OTHER}/forecast`, {
      observations: recent,
      horizon: 5,
    });
    expect(body.forecast).toEqual(libraryForecast(`${OTHER}/5`, SHORT_SPEC, 5));
  });

  it('answers 413 for more than 10,000 observations', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({
      time: formatHour(Date.UTC(2014, 0, 1) + i * HOUR),
      value: 1,
    }));
    const { status, body } = await postJson(`/models/${NAME}/forecast`, {
      observations: many,
      horizon: 1,
    });
    expect(status).toBe(413);
    expect(body.message).toBe('10001 observations is more than the 10000 a request may hold');
  });

  it('sorts observations given out of order, and the staging alias forecasts with version 2', async () => {
    const shuffled = [...recent].reverse();
    const { body } = await postJson(`/models/${NAME}@staging/forecast`, {
      observations: shuffled,
      horizon: 3,
    });
    expect(body).toEqual({
      model: NAME,
      version: 2,
      forecast: libraryForecast(`${NAME}/2`, EXAMPLE_SPEC, 3),
    });
  });

  it('refuses gaps a row needs, duplicates, bad times and horizons with a 400 that says what', async () => {
    const gap = recent.filter((_, i) => i !== recent.length - 25);
    for (const [body, message] of [
      [{ observations: gap, horizon: 2 }, /no o3 observation for .* \(o3_lag24\)/],
      [{ observations: recent.slice(-10), horizon: 1 }, /no o3 observation for .*\(o3_lag12\)/],
      [
        { observations: [...recent, recent[0]], horizon: 1 },
        /appears more than once in observations/,
      ],
      [
        { observations: [{ time: '2014-01-01T00:30:00Z', value: 1 }], horizon: 1 },
        /observations\[0\]\.time must be .* whole UTC hour/,
      ],
      [{ observations: [{ time: '2014-01-01 00:00', value: 1 }], horizon: 1 }, /RFC 3339/],
      [
        { observations: [{ time: '2014-01-01T00:00:00Z', value: 'x' }], horizon: 1 },
        /observations\[0\]\.value must be a finite number/,
      ],
      [
        { observations: recent, horizon: 0 },
        /horizon must be a whole number of hours from 1 to 168/,
      ],
      [{ observations: [], horizon: 1 }, /observations must be a non-empty list/],
    ] as const) {
      const answer = await postJson(`/models/${NAME}/forecast`, body);
      expect({ message: String(message), status: answer.status }).toEqual({
        message: String(message),
        status: 400,
      });
      expect(answer.body.error_code).toBe('BAD_REQUEST');
      expect(answer.body.message).toMatch(message);
    }
  });
});

describe('safety: headers, CORS, read-only', () => {
  it('every response, errors included, carries the model name and version and Server-Timing', async () => {
    for (const path of ['/ping', '/health', '/models', '/nowhere', '/models/nope']) {
      const { headers } = await request(path);
      expect({
        path,
        name: headers.get('X-Model-Name'),
        version: headers.get('X-Model-Version'),
      }).toEqual({
        path,
        name: NAME,
        version: '1',
      });
      expect(headers.get('Server-Timing')).toMatch(/total;dur=/);
    }
    const bad = await postJson('/invocations', { nothing: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('X-Model-Version')).toBe('1');
  });

  it('answers CORS preflights and exposes the model headers to browsers', async () => {
    const preflight = await request('/invocations', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://example.org',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(preflight.headers.get('Access-Control-Allow-Methods')).toBe('GET,POST,OPTIONS');
    expect(preflight.headers.get('X-Model-Version')).toBe('1');
    expect(preflight.headers.get('Server-Timing')).toMatch(/total;dur=/);
    const simple = await request('/ping', { headers: { Origin: 'https://example.org' } });
    expect(simple.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(simple.headers.get('Access-Control-Expose-Headers')).toMatch(/X-Model-Version/);
  });

  it('refuses every method that could change state with a 405', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const { status, body } = await request(`/models/${NAME}`, { method });
      expect({ method, status }).toEqual({ method, status: 405 });
      expect(body).toEqual({
        error_code: 'METHOD_NOT_ALLOWED',
        message: `${method} is not allowed: this service changes nothing, it answers GET and POST`,
      });
    }
  });

  it('never leaks a stack trace', async () => {
    const { body } = await request('/invocations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"instances": [[1, 2',
    });
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
