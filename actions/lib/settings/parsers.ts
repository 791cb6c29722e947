// The small parsers settings share: text, booleans and whole numbers within stated bounds. The
// others are the library's own (parseDuration, parseAlignedInstant, parseReprocessMode, …).
import { UsageError } from '../errors.ts';
import type { Parser } from './setting.ts';

/**
 * Text taken as given (what the library checks later, in context: a station, a project's
 * variable).
 *
 * @example parseText('o3', '--variable') === 'o3'
 */
export function parseText(text: string): string {
  return text;
}

/**
 * A boolean as YAML 1.2's core schema writes one (`true`, `True`, `TRUE`, `false`, …), the set
 * `core.getBooleanInput` accepts.
 *
 * @throws UsageError for anything else
 * @example parseBoolean('True', "input 'anonymous'") === true
 */
export function parseBoolean(text: string, label: string): boolean {
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  throw new UsageError(`${label} ${JSON.stringify(text)} is not a boolean: use true or false`);
}

/** The bounds of a whole-number setting, and why they are there. */
export interface WholeNumberBounds {
  readonly min: number;
  readonly max: number;
  /** Said after the bounds in a problem: `GitHub runs at most 256 jobs per matrix`. */
  readonly why?: string;
}

/**
 * A parser of whole numbers from `min` to `max`, written in decimal digits (an optional `+`).
 *
 * @example wholeNumber({ min: 1, max: 16 })('4', '--concurrency') === 4
 * @example wholeNumber({ min: 1, max: 16 })('0', '--concurrency') // throws: --concurrency "0" is not a whole number from 1 to 16
 */
export function wholeNumber(bounds: WholeNumberBounds): Parser<number> {
  return (text, label) => {
    const value = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
      throw new UsageError(
        `${label} ${JSON.stringify(text)} is not a whole number from ${bounds.min} to ${bounds.max}` +
          (bounds.why ? ` (${bounds.why})` : ''),
      );
    }
    return value;
  };
}

/**
 * An http(s) URL without a trailing slash (where the Worker serves the models, where the site is).
 *
 * @throws UsageError naming the setting
 * @example parseHttpUrl('https://freshet.example.workers.dev/', '--edge-url') === 'https://freshet.example.workers.dev'
 */
export function parseHttpUrl(text: string, label: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(
      `${label} ${JSON.stringify(text)} is not a URL: use e.g. https://freshet.example.workers.dev`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${label} ${JSON.stringify(text)} must be an http:// or https:// URL`);
  }
  return url.href.replace(/\/+$/, '');
}
