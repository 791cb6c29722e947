// The Worker's routes (DESIGN.md, Edge serving): MLflow's scoring protocol, the model list and card,
// and the forecast route. Read-only: no route changes anything. Web-standard (Hono).

import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { UsageError } from '../../actions/lib/errors.ts';
import { formatHour } from '../../actions/lib/training/data/hours.ts';
import { predictCompact } from './bundle/forest-binary.ts';
import { iteratedForecast, minObservations, readForecastRequest } from './forecast.ts';
import { HttpProblem } from './http-problem.ts';
import {
  type AssetFetcher,
  type LoadedModel,
  ModelCatalog,
  type ModelRef,
  parseModelRef,
  type ResolvedVersion,
} from './model-catalog.ts';
import { scoringMediaType } from './scoring/content-type.ts';
import { readCsvInput } from './scoring/csv-input.ts';
import { readJsonInput, toFeatureRows } from './scoring/scoring-input.ts';
import { ServerTimings } from './server-timing.ts';

/** The Worker's bindings (wrangler.jsonc). */
export interface Env {
  /** The static assets: the deployment bundle (index.json and the forests). */
  readonly ASSETS: AssetFetcher;
}

/** The service's own version, answered by `/version`. */
export const SERVICE_VERSION = '0.1.0';

/** Limits of one request. */
export interface ServeLimits {
  /** The largest body accepted (default 1 MB). */
  readonly maxBodyBytes: number;
  /** The most rows (or observations) one request may hold (default 10,000). */
  readonly maxRows: number;
}

export const DEFAULT_LIMITS: ServeLimits = { maxBodyBytes: 1_000_000, maxRows: 10_000 };

type AppEnv = {
  Bindings: Env;
  Variables: { model: ResolvedVersion | undefined; timings: ServerTimings };
};

/**
 * The Worker's Hono app. One catalog per isolate: the app keeps it across requests, so a forest is
 * loaded and verified once.
 *
 * @example export default createApp(); // the Worker's entry
 */
export function createApp(limits: ServeLimits = DEFAULT_LIMITS): Hono<AppEnv> {
  let catalog: ModelCatalog | undefined;
  const catalogOf = (c: Context<AppEnv>): ModelCatalog => {
    catalog ??= new ModelCatalog(c.env.ASSETS);
    return catalog;
  };
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const timings = new ServerTimings();
    c.set('timings', timings);
    c.set('model', undefined);
    await next();
    // Every response names a model: the one the request used, else the default one.
    const model =
      c.get('model') ??
      (await catalogOf(c)
        .resolve({})
        .catch(() => undefined));
    if (model !== undefined) {
      c.res.headers.set('X-Model-Name', model.name);
      c.res.headers.set('X-Model-Version', String(model.version));
    }
    c.res.headers.set('Server-Timing', timings.header());
  });
  // After the header middleware, so that preflight answers carry the model headers too.
  app.use(
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Content-Type'],
      exposeHeaders: ['X-Model-Name', 'X-Model-Version', 'Server-Timing'],
      maxAge: 86_400,
    }),
  );
  app.use(
    bodyLimit({
      maxSize: limits.maxBodyBytes,
      onError: () => {
        throw new HttpProblem(413, `the body is larger than ${limits.maxBodyBytes} bytes`);
      },
    }),
  );

  app.get('/ping', (c) => c.text('\n'));
  app.get('/health', async (c) => {
    const index = await catalogOf(c).index();
    return c.json({
      status: 'ok',
      default_model: index.default_model,
      models: Object.keys(index.models),
    });
  });
  app.get('/version', async (c) => {
    const index = await catalogOf(c).index();
    return c.json({ version: SERVICE_VERSION, bundle_built_at: index.built_at });
  });
  app.get('/models', async (c) => {
    const index = await catalogOf(c).index();
    return c.json({
      default_model: index.default_model,
      models: Object.entries(index.models).map(([name, model]) => ({
        name,
        aliases: model.aliases,
        versions: Object.keys(model.versions).map(Number),
      })),
    });
  });

  const card = async (c: Context<AppEnv>, ref: ModelRef) => {
    const resolved = await catalogOf(c).resolve(ref);
    c.set('model', resolved);
    return c.json(modelCard(resolved));
  };
  app.get('/models/:ref', (c) => card(c, parseModelRef(c.req.param('ref'))));
  app.get('/models/:ref/:version{[0-9]+}', (c) =>
    card(c, parseModelRef(c.req.param('ref'), c.req.param('version'))),
  );

  const invocations = async (c: Context<AppEnv>, ref: ModelRef) => {
    const media = scoringMediaType(c.req.header('Content-Type'));
    const text = await c.req.text();
    const model = await loadModel(c, catalogOf(c), ref);
    const timings = c.get('timings');
    const source = media === 'csv' ? readCsvInput(text) : readJsonInput(parseJson(text));
    const { x, nRows } = toFeatureRows(source, model.entry.inputs, limits.maxRows);
    const predictions = timings.measure('predict', () => predictCompact(model.forest, x, nRows));
    return c.json({ predictions: Array.from(predictions) });
  };
  app.post('/invocations', (c) => invocations(c, {}));
  app.post('/models/:ref/invocations', (c) => invocations(c, parseModelRef(c.req.param('ref'))));
  app.post('/models/:ref/:version{[0-9]+}/invocations', (c) =>
    invocations(c, parseModelRef(c.req.param('ref'), c.req.param('version'))),
  );

  const forecast = async (c: Context<AppEnv>, ref: ModelRef) => {
    const media = scoringMediaType(c.req.header('Content-Type'));
    if (media !== 'json') throw new HttpProblem(415, 'the forecast route takes application/json');
    const { observations, horizon } = readForecastRequest(
      parseJson(await c.req.text()),
      limits.maxRows,
    );
    const model = await loadModel(c, catalogOf(c), ref);
    const spec = model.entry.features;
    if (spec === null) {
      throw new HttpProblem(
        400,
        `model ${model.name} version ${model.version} has no feature specification: it can score rows (invocations) but not forecast`,
      );
    }
    const result = c
      .get('timings')
      .measure('predict', () => iteratedForecast(spec, model.forest, observations, horizon));
    return c.json({
      model: model.name,
      version: model.version,
      forecast: result.times.map((time, i) => ({
        time: formatHour(time),
        value: result.values[i],
      })),
    });
  };
  app.post('/models/:ref/forecast', (c) => forecast(c, parseModelRef(c.req.param('ref'))));
  app.post('/models/:ref/:version{[0-9]+}/forecast', (c) =>
    forecast(c, parseModelRef(c.req.param('ref'), c.req.param('version'))),
  );

  app.all('*', (c) => {
    if (['GET', 'HEAD', 'POST', 'OPTIONS'].includes(c.req.method)) {
      throw new HttpProblem(404, `no route ${c.req.method} ${new URL(c.req.url).pathname}`);
    }
    throw new HttpProblem(
      405,
      `${c.req.method} is not allowed: this service changes nothing, it answers GET and POST`,
    );
  });

  app.onError((error, c) => {
    if (error instanceof HttpProblem) return problem(c, error);
    if (error instanceof UsageError) return problem(c, new HttpProblem(400, error.message));
    // Logged for the operator (Workers logs); the client learns nothing of the internals.
    console.error(error);
    return problem(c, new HttpProblem(500, 'an internal error occurred; it has been logged'));
  });
  return app;
}

async function loadModel(
  c: Context<AppEnv>,
  catalog: ModelCatalog,
  ref: ModelRef,
): Promise<LoadedModel> {
  c.set('model', await catalog.resolve(ref));
  return c.get('timings').measureAsync('load', () => catalog.load(ref));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(
      400,
      `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function problem(c: Context<AppEnv>, error: HttpProblem): Response {
  return c.json({ error_code: error.errorCode, message: error.message }, error.status);
}

/** What `GET /models/:name` answers: the model card of a deployed version. */
function modelCard(resolved: ResolvedVersion) {
  const { name, version, entry, aliases } = resolved;
  const manifest = entry.manifest;
  return {
    name,
    version,
    aliases,
    created_at: manifest.created_at ?? null,
    run_id: manifest.run_id ?? null,
    metrics: manifest.metrics ?? {},
    data: manifest.data ?? null,
    features: entry.inputs,
    output: entry.output,
    horizon: entry.features?.horizon ?? null,
    min_observations: entry.features === null ? null : minObservations(entry.features),
  };
}
