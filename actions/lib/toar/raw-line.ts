// The stored form of a rejected line's raw text and the SHA-256 it is stored under
// (ops.rejected_lines). Pure.
import { hash } from 'node:crypto';
import { truncateText } from './copy-text.ts';

/** Raw text kept per rejected line (DESIGN.md: up to 4 KB). */
export const MAX_RAW_LENGTH = 4096;

/**
 * The text PostgreSQL stores for a rejected line: its first {@link MAX_RAW_LENGTH} characters,
 * with NUL (which PostgreSQL text cannot hold) as U+FFFD, as `copyText` writes it.
 *
 * @example storedRawText('a\u0000b') // 'a\uFFFDb'
 */
export function storedRawText(raw: string): string {
  const kept = truncateText(raw, MAX_RAW_LENGTH);
  return kept.includes('\u0000') ? kept.replaceAll('\u0000', '\uFFFD') : kept;
}

/**
 * The hex SHA-256 of a stored raw text's UTF-8 bytes (given as text, or as those bytes): what
 * PostgreSQL's `sha256(convert_to(raw, 'UTF8'))` gives (the migration computes it so for existing
 * rows).
 *
 * @example rawLineHash('') // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function rawLineHash(stored: string | Uint8Array): string {
  return hash('sha256', stored, 'hex');
}
