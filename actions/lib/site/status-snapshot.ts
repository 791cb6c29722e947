// The database's state as the site's data page shows it: a `freshet status --json` snapshot, or
// nothing (then the pages say so). Snapshots of older versions lack the newer lists (stations,
// training runs, timings): those read as empty. Only `npm start`'s status has its evaluation. Pure.
import { UsageError } from '../errors.ts';
import type { StatusReport } from '../ingest/status.ts';
import { isRecord } from '../training/project/validation.ts';

/** What the site knows of the database. */
export type SiteStatus =
  | { readonly kind: 'read'; readonly source: string; readonly report: StatusReport }
  | { readonly kind: 'missing'; readonly reason: string };

/**
 * Parses a status snapshot (what `freshet status --json` prints).
 *
 * @throws UsageError naming `where` when it is not one
 * @example parseStatusSnapshot(await readFile('status.json', 'utf8'), 'status.json')
 */
export function parseStatusSnapshot(text: string, where: string): StatusReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${where} is not valid JSON (write it with \`freshet status --json > ${where}\`): ${(error as Error).message}`,
    );
  }
  if (!isRecord(value))
    throw new UsageError(`${where} must be the object freshet status --json prints`);
  const problems: string[] = [];
  const list = (key: string, required: boolean): unknown[] => {
    const item = value[key];
    if (Array.isArray(item)) return item;
    if (item !== undefined || required) problems.push(`${where}: ${key} must be a list`);
    return [];
  };
  const days = list('days', true);
  const variables = list('variables', true);
  if (!isRecord(value.rejected)) problems.push(`${where}: rejected must map reasons to counts`);
  const last = value.last_success;
  if (last !== null && typeof last !== 'string') {
    problems.push(`${where}: last_success must be an instant or null`);
  }
  const badDay = days.find(
    (d) => !isRecord(d) || typeof d.day !== 'string' || typeof d.ingested !== 'number',
  );
  if (variables.some((v) => !isRecord(v) || typeof v.variable !== 'string')) {
    problems.push(`${where}: variables must be {variable, stations, series} objects`);
  }
  if (badDay !== undefined)
    problems.push(
      `${where}: days must be {day, ingested, empty, failed, running, missing} objects`,
    );
  const evaluation =
    value.evaluation === undefined
      ? undefined
      : (list('evaluation', false) as NonNullable<StatusReport['evaluation']>);
  if (problems.length > 0) throw new UsageError(problems);
  return {
    ...(value as unknown as StatusReport),
    stations: list('stations', false) as StatusReport['stations'],
    training_runs: list('training_runs', false) as StatusReport['training_runs'],
    timings: list('timings', false) as StatusReport['timings'],
    ...(evaluation === undefined ? {} : { evaluation }),
  };
}
