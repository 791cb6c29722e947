// Which body a scoring request carries, as MLflow's scoring server decides it: `application/json` or
// `text/csv`, with `charset=utf-8` (any case) the only parameter allowed. Pure.
import { HttpProblem } from '../http-problem.ts';

export type ScoringMediaType = 'json' | 'csv';

const MEDIA_TYPES: Readonly<Record<string, ScoringMediaType>> = {
  'application/json': 'json',
  'text/csv': 'csv',
};

/**
 * The kind of body a `Content-Type` header announces.
 *
 * @throws HttpProblem 415 for a missing or other media type, a charset other than utf-8, or any
 *   other parameter
 * @example scoringMediaType('application/json; charset=UTF-8') // 'json'
 */
export function scoringMediaType(header: string | undefined | null): ScoringMediaType {
  const [type = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim());
  const kind = MEDIA_TYPES[type.toLowerCase()];
  if (kind === undefined) {
    throw new HttpProblem(
      415,
      `content type ${header ? JSON.stringify(header) : '(none)'} is not supported: send application/json or text/csv`,
    );
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=', 2).map((part) => part.trim());
    if (name.toLowerCase() !== 'charset') {
      throw new HttpProblem(
        415,
        `content type parameter ${JSON.stringify(name)} is not supported: only charset=utf-8 is`,
      );
    }
    if (value.replace(/^"|"$/g, '').toLowerCase() !== 'utf-8') {
      throw new HttpProblem(
        415,
        `charset ${JSON.stringify(value)} is not supported: only utf-8 is`,
      );
    }
  }
  return kind;
}
