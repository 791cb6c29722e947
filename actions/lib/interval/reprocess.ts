import { UsageError } from '../errors.ts';
import type { ReprocessMode } from './types.ts';

/** Every reprocess mode, from the narrowest choice to the widest. */
export const REPROCESS_MODES: readonly ReprocessMode[] = ['missing', 'failed', 'outdated', 'all'];

/** True when `value` is one of {@link REPROCESS_MODES}. */
export function isReprocessMode(value: unknown): value is ReprocessMode {
  return (REPROCESS_MODES as readonly unknown[]).includes(value);
}

/**
 * Reads a reprocess mode from a flag or input (`missing`, `failed`, `outdated`, `all`).
 *
 * @param label the setting as the caller names it in messages (`--reprocess`, `input 'reprocess'`)
 * @throws UsageError naming the setting and the valid choices
 * @example parseReprocessMode('outdated', '--reprocess') === 'outdated'
 */
export function parseReprocessMode(text: string, label: string): ReprocessMode {
  const trimmed = text.trim();
  if (isReprocessMode(trimmed)) return trimmed;
  throw new UsageError(
    `${label} ${JSON.stringify(text)} is not a reprocess mode: use one of ${REPROCESS_MODES.join(', ')}`,
  );
}
