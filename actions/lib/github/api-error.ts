// GitHub's REST API refused a request, or could not be reached.
import { FreshetError } from '../errors.ts';

/** A failed GitHub REST request: what was asked, what GitHub answered. */
export class GitHubApiError extends FreshetError {
  override name = 'GitHubApiError';
  /** The HTTP status, or `undefined` when no response arrived (network error, timeout). */
  readonly status: number | undefined;
  /** e.g. `POST` */
  readonly method: string;
  /** The request path, e.g. `/repos/o/r/issues`. */
  readonly path: string;
  /** GitHub's `message` (`Bad credentials`, `Resource not accessible by integration`). */
  readonly apiMessage: string;
  /** GitHub's `documentation_url`, when it gave one. */
  readonly documentationUrl: string | undefined;

  constructor(
    details: {
      status: number | undefined;
      method: string;
      path: string;
      apiMessage: string;
      documentationUrl?: string;
      /** The permission a 403 or 404 suggests granting (default `issues: write`). */
      permission?: string;
    },
    options?: ErrorOptions,
  ) {
    const status = details.status === undefined ? 'no response' : String(details.status);
    super(
      `GitHub API ${details.method} ${details.path} failed (${status}): ${details.apiMessage}${hint(details.status, details.permission ?? 'issues: write')}`,
      options,
    );
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.apiMessage = details.apiMessage;
    this.documentationUrl = details.documentationUrl;
  }
}

/** What a workflow author can change for the statuses a token's permissions cause. */
function hint(status: number | undefined, permission: string): string {
  switch (status) {
    case 401:
      return ' (the token is missing or expired)';
    case 403:
    case 404:
      // GitHub answers 404 rather than 403 for repositories a token may not see.
      return ` (does the job grant the token '${permission}'?)`;
    default:
      return '';
  }
}
