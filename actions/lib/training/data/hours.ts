// Whole UTC hours: the unit of the training table, of every lag and of the feature table.
// Web-standard (no node: imports): the Worker builds features with it.
import { HOUR_MS } from '../../interval/duration.ts';

export { HOUR_MS };

/** Whether epoch ms `ms` is the start of a UTC hour. */
export function isWholeHour(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms % HOUR_MS === 0;
}

/**
 * Formats an instant as `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601, UTC, no fraction): the `datetime` text of
 * a training-table line in its digest, and how messages name an hour.
 *
 * @example formatHour(Date.UTC(2014, 0, 1)) === '2014-01-01T00:00:00Z'
 */
export function formatHour(ms: number): string {
  const iso = new Date(ms).toISOString();
  // Whole seconds drop the fraction; anything finer keeps it, so no two instants share a text.
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
