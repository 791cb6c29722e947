// What the Worker answers when it cannot serve a request: a status and an MLflow-style body
// `{"error_code": …, "message": …}`. Thrown anywhere below a route; the app's onError turns it
// into the response (and anything else into a 500 that names no internals).

/** The statuses the Worker chooses on purpose, with the error codes MLflow's servers use. */
const CODES = {
  400: 'BAD_REQUEST',
  404: 'RESOURCE_DOES_NOT_EXIST',
  405: 'METHOD_NOT_ALLOWED',
  413: 'REQUEST_LIMIT_EXCEEDED',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  500: 'INTERNAL_ERROR',
  503: 'TEMPORARILY_UNAVAILABLE',
} as const;

export type ProblemStatus = keyof typeof CODES;

/**
 * A request the Worker refuses, with the message the client sees.
 *
 * @example throw new HttpProblem(400, 'dataframe_split.data[2] has 3 values, columns name 4');
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: ProblemStatus;
  constructor(status: ProblemStatus, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
  /** MLflow's error code of the status. */
  get errorCode(): string {
    return CODES[this.status];
  }
}

/** A 400: the request is malformed, `message` saying how. */
export function badRequest(message: string): HttpProblem {
  return new HttpProblem(400, message);
}
