import { INTERVAL_MS } from './types.ts';

/**
 * The largest multiple of `stepMs` at or before `ms`, counted from the epoch.
 * Floors towards minus infinity, so instants before 1970 align the same way.
 *
 * @example alignDown(Date.UTC(2014, 0, 1, 0, 5), 600_000) === Date.UTC(2014, 0, 1, 0, 0)
 */
export function alignDown(ms: number, stepMs: number = INTERVAL_MS): number {
  return Math.floor(ms / stepMs) * stepMs;
}

/** True when `ms` is a multiple of `stepMs` from the epoch (10 minutes unless told). */
export function isAligned(ms: number, stepMs: number = INTERVAL_MS): boolean {
  return Number.isSafeInteger(ms) && alignDown(ms, stepMs) === ms;
}
