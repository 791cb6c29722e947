// The one GitHub client: Octokit with retries (5xx, network errors) and throttling (primary and
// secondary rate limits, writes spaced out as GitHub asks). Every module that talks to GitHub
// takes one of these; the shells make it.
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import type { Logger } from '../util/logger.ts';
import { DEFAULT_GITHUB_API_URL } from './workflow-run.ts';

const FreshetOctokit = Octokit.plugin(retry, throttling);

/** The REST API version every request asks for (GitHub's current one when this was written). */
export const GITHUB_API_VERSION = '2022-11-28';

/** Octokit with our plugins. */
export type GitHubClient = InstanceType<typeof FreshetOctokit>;

/** How to reach GitHub. */
export interface GitHubClientOptions {
  /** A token (the job's `github.token`, a fine-grained token). */
  readonly token: string;
  /** GITHUB_API_URL (default `https://api.github.com`). */
  readonly apiUrl?: string;
  /** Where retries and rate-limit waits are reported. */
  readonly logger: Logger;
  /** Retries of a request that failed with 5xx or no response (default 3). */
  readonly retries?: number;
  /** Waits after a rate limit before giving up (default 2). */
  readonly rateLimitRetries?: number;
  /**
   * The unit of every wait, in ms (default 1000: GitHub's `retry-after` is in seconds). Tests make
   * it small so that a `retry-after: 1` waits a moment.
   */
  readonly waitUnitMs?: number;
  /** The least time between two writes (default 1000 ms, as GitHub's best practices ask). */
  readonly writeSpacingMs?: number;
  /**
   * The least time between two writes that create content others are notified of (releases, pull
   * requests, issues, comments): default 3000 ms, the plugin's own, against secondary limits.
   */
  readonly contentSpacingMs?: number;
  /** Per request (default 60 s), so that a hung connection cannot hold a job until its timeout. */
  readonly timeoutMs?: number;
}

/**
 * Makes the client.
 *
 * @example
 * const github = createGitHubClient({ token: env.GITHUB_TOKEN, apiUrl: env.GITHUB_API_URL, logger });
 * const { data } = await github.rest.repos.get({ owner, repo });
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const unit = options.waitUnitMs ?? 1000;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      count: number,
    ) => {
      const retrying = count < rateLimitRetries;
      logger.warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${retrying ? `retrying after ${retryAfter} s` : 'giving up'}`,
      );
      return retrying;
    };
  const client = new FreshetOctokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: 'freshet',
    // Not `request.retries`: the retry plugin reads that per request and would then retry 4xx too.
    request: { fetch: timedFetch(options.timeoutMs ?? 60_000) },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: unit,
      // 429 is a rate limit: the throttling plugin waits as its retry-after says, not this one.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      retryAfterBaseValue: unit,
      // Our own limiter per client, so that the spacing of writes is a setting (the plugin's
      // default is one module-wide group, 1 s apart).
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs ?? 1000 }),
      notifications: new Bottleneck.Group({
        maxConcurrent: 1,
        minTime: options.contentSpacingMs ?? 3000,
      }),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => logger.warn(message),
      // Octokit logs every failed request here, 404s we expect included; the callers report the
      // failures that matter, in their own terms.
      error: () => {},
    },
  });
  client.hook.before('request', (request) => {
    request.headers['x-github-api-version'] = GITHUB_API_VERSION;
    // GitHub's recommended media type (Octokit's default still names v3); downloads keep theirs.
    if (request.headers.accept === 'application/vnd.github.v3+json') {
      request.headers.accept = 'application/vnd.github+json';
    }
  });
  return client;
}

/** fetch with a timeout per request. */
function timedFetch(timeoutMs: number): typeof fetch {
  return (input, init) =>
    fetch(input, {
      ...init,
      signal: init?.signal ?? AbortSignal.timeout(timeoutMs),
    });
}
