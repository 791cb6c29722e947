import { UsageError } from '../errors.ts';
import type { LocationsQuery } from './locations-api.ts';

/**
 * Which archive locations to ingest, as `--locations` says (pure parsing; resolving a file or the
 * bucket's list is {@link resolveLocations}' job): ids (`2178,8118`), `@file` (one id per line, `#`
 * comments), or `all` (every `locationid=` folder of the archive).
 */
export type LocationsSpec =
  | { kind: 'ids'; ids: number[] }
  | { kind: 'file'; path: string }
  | { kind: 'all' }
  /** Resolved through OpenAQ's API v3 (`--bbox`, `--country`; needs an API key). */
  | { kind: 'api'; query: LocationsQuery };

const ID = /^[1-9][0-9]*$/;

function locationId(text: string): number | undefined {
  if (!ID.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

/**
 * Reads `--locations`.
 *
 * @throws UsageError naming `label` and every item that is not a location id
 * @example
 * parseLocations('2178, 8118', '--locations'); // { kind: 'ids', ids: [2178, 8118] }
 * parseLocations('@locations.txt', '--locations'); // { kind: 'file', path: 'locations.txt' }
 * parseLocations('all', '--locations'); // { kind: 'all' }
 */
export function parseLocations(text: string, label: string): LocationsSpec {
  const trimmed = text.trim();
  if (trimmed === 'all') return { kind: 'all' };
  if (trimmed.startsWith('@')) {
    const path = trimmed.slice(1).trim();
    if (path === '') throw new UsageError(`${label} @ needs a file name, e.g. @locations.txt`);
    return { kind: 'file', path };
  }
  const items = trimmed.split(/[\s,]+/).filter((item) => item !== '');
  const bad = items.filter((item) => locationId(item) === undefined);
  if (items.length === 0 || bad.length > 0) {
    throw new UsageError(
      `${label} ${JSON.stringify(text)}: ${bad.length > 0 ? `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not` : 'give'} OpenAQ location ids (e.g. 2178,8118), @file or all`,
    );
  }
  return { kind: 'ids', ids: [...new Set(items.map((item) => locationId(item) ?? 0))] };
}

/**
 * The ids of a locations file: one per line; `#` starts a comment; blank lines are ignored.
 *
 * @throws UsageError naming the file and each bad line
 * @example
 * parseLocationsFile('# Albuquerque\n2178\n8118  # Delhi\n', 'locations.txt'); // [2178, 8118]
 */
export function parseLocationsFile(text: string, name: string): number[] {
  const ids: number[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const id = locationId(line);
    if (id === undefined) {
      problems.push(`${name} line ${i + 1}: ${JSON.stringify(line)} is not an OpenAQ location id`);
    } else if (!ids.includes(id)) {
      ids.push(id);
    }
  });
  if (problems.length > 0) throw new UsageError(problems);
  if (ids.length === 0) throw new UsageError(`${name} holds no location id`);
  return ids;
}
