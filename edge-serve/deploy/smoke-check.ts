// The check a deployment must pass (promote.yml, after `wrangler deploy`): `/health` answers, and
// one forecast of the default model comes back with finite values. Web-standard (fetch only), so
// it takes any base URL: the deployed Worker, or a local one in tests.

/** What a passing check saw. */
export interface SmokeReport {
  readonly url: string;
  readonly model: string;
  readonly version: number;
  /** The hours forecast and their values. */
  readonly forecast: readonly { readonly time: string; readonly value: number }[];
}

export interface SmokeOptions {
  /** The Worker's base URL, e.g. `https://freshet-serve.example.workers.dev`. */
  readonly url: string;
  /** The clock (epoch ms): the observations sent end at its last whole hour. */
  readonly now: number;
  /** Attempts at `/health` before giving up: a fresh deployment can take seconds to answer. */
  readonly attempts?: number;
  /** Between attempts (ms). */
  readonly retryDelayMs?: number;
  /** How many hours to forecast. */
  readonly hours?: number;
  readonly fetch?: typeof fetch;
}

const HOUR_MS = 3_600_000;

/** The check failed: the message says which request and what it answered. */
export class SmokeCheckError extends Error {
  override name = 'SmokeCheckError';
}

/**
 * Calls `/health`, reads the default model's card, and asks it for a forecast from synthetic
 * hourly observations (as many as the card's `min_observations`).
 *
 * @throws SmokeCheckError naming the request that failed and its answer
 * @example
 * const report = await smokeCheck({ url: 'https://freshet-serve.example.workers.dev', now: Date.now() });
 * report.forecast.length // 3
 */
export async function smokeCheck(options: SmokeOptions): Promise<SmokeReport> {
  const get = options.fetch ?? fetch;
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const call = async (path: string, init?: RequestInit): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await get(new URL(path, base), { ...init, signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new SmokeCheckError(`${path}: no answer (${(error as Error).message})`, {
        cause: error,
      });
    }
    const text = await response.text();
    if (!response.ok)
      throw new SmokeCheckError(`${path}: ${response.status} ${text.slice(0, 500)}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new SmokeCheckError(`${path}: ${response.status} but not JSON: ${text.slice(0, 200)}`);
    }
  };

  const attempts = options.attempts ?? 6;
  let health: Record<string, unknown> | undefined;
  for (let attempt = 1; health === undefined; attempt++) {
    try {
      health = await call('health');
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 5_000));
    }
  }
  const model = health.default_model;
  if (health.status !== 'ok' || typeof model !== 'string') {
    throw new SmokeCheckError(`health: unexpected answer ${JSON.stringify(health)}`);
  }
  const card = await call(`models/${encodeURIComponent(model)}`);
  const needed = card.min_observations;
  if (typeof needed !== 'number' || needed < 1) {
    throw new SmokeCheckError(
      `models/${model}: the model has no forecast (min_observations ${needed})`,
    );
  }
  const newest = Math.floor(options.now / HOUR_MS) * HOUR_MS;
  const observations = Array.from({ length: needed }, (_, i) => {
    const time = newest - (needed - 1 - i) * HOUR_MS;
    // A plausible diurnal cycle around 30 ppb.
    return {
      time: new Date(time).toISOString(),
      value: 30 + 10 * Math.sin((2 * Math.PI * (time / HOUR_MS)) / 24),
    };
  });
  const hours = options.hours ?? 3;
  const path = `models/${encodeURIComponent(model)}/forecast`;
  const answer = await call(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ observations, horizon: hours }),
  });
  const forecast = answer.forecast;
  if (
    !Array.isArray(forecast) ||
    forecast.length !== hours ||
    !forecast.every((f) => typeof f?.value === 'number' && Number.isFinite(f.value))
  ) {
    throw new SmokeCheckError(
      `${path}: expected ${hours} finite values, got ${JSON.stringify(answer).slice(0, 300)}`,
    );
  }
  return { url: base, model, version: Number(answer.version), forecast };
}
