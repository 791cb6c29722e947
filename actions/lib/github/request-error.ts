// Octokit's errors, translated where they enter: a GitHubApiError says what was asked and what
// GitHub answered, in the library's terms.
import { describeError } from '../errors.ts';
import { GitHubApiError } from './api-error.ts';

interface OctokitRequestError extends Error {
  readonly status: number;
  readonly request: { readonly method: string; readonly url: string };
  readonly response?: { readonly data?: unknown };
}

function isRequestError(error: unknown): error is OctokitRequestError {
  return (
    error instanceof Error &&
    typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { request?: { url?: unknown } }).request?.url === 'string'
  );
}

/** The HTTP status of an Octokit error or a GitHubApiError, or undefined for anything else. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof GitHubApiError) return error.status;
  return isRequestError(error) ? error.status : undefined;
}

/** GitHub's `message`, with the `errors` list of a 422 (field and code). */
function apiMessageOf(data: unknown, fallback: string): string {
  if (typeof data !== 'object' || data === null) return fallback;
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const text = typeof message === 'string' ? message : fallback;
  if (!Array.isArray(errors)) return text;
  const details = errors
    .map((e: unknown) => {
      if (typeof e === 'string') return e;
      if (typeof e !== 'object' || e === null) return '';
      const { message: m, field, code } = e as Record<string, unknown>;
      return typeof m === 'string'
        ? m
        : [field, code].filter((x) => typeof x === 'string').join(' ');
    })
    .filter((d) => d !== '');
  return details.length > 0 ? `${text}: ${details.join('; ')}` : text;
}

/**
 * The error as a GitHubApiError (the request's method, path, status and GitHub's message); other
 * errors (a timeout, a refused connection) too, without a status.
 *
 * @example catch (error) { throw toGitHubApiError(error, 'GET', '/repos/o/r/releases', 'contents: write'); }
 */
export function toGitHubApiError(
  error: unknown,
  method: string,
  path: string,
  permission?: string,
): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  if (isRequestError(error) && error.response !== undefined) {
    const data = error.response.data;
    const documentationUrl =
      typeof data === 'object' && data !== null && 'documentation_url' in data
        ? String((data as { documentation_url: unknown }).documentation_url)
        : undefined;
    return new GitHubApiError(
      {
        status: error.status,
        method: error.request.method,
        path,
        apiMessage: apiMessageOf(data, error.message),
        ...(documentationUrl === undefined ? {} : { documentationUrl }),
        ...(permission === undefined ? {} : { permission }),
      },
      { cause: error },
    );
  }
  // No answer (Octokit reports a failed fetch as a RequestError without a response).
  return new GitHubApiError(
    {
      status: undefined,
      method,
      path,
      apiMessage: describeError(error),
      ...(permission === undefined ? {} : { permission }),
    },
    { cause: error },
  );
}
