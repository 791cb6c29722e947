import { UsageError } from '../errors.ts';
import type { Source } from './source.ts';
import { folderSource } from './source-folder.ts';
import { type S3SourceOptions, s3Source } from './source-s3.ts';

/** OpenAQ's historical real-time bucket (reported private since 2024; any mirror with its layout works). */
export const DEFAULT_SOURCE = 's3://openaq-fetches/realtime-gzipped/';

/** The region of OpenAQ's bucket, and of an S3 source whose region is not given. */
export const DEFAULT_S3_REGION = 'us-east-1';

/**
 * Checks a source URL: `s3://bucket/prefix/` or `file:///path`.
 *
 * @param label how the caller names the setting in messages (`--source`, `input 'source'`)
 * @throws UsageError for any other text
 * @example parseSourceUrl('file:///data/realtime-gzipped', '--source') === 'file:///data/realtime-gzipped'
 */
export function parseSourceUrl(text: string, label: string): string {
  if (!/^(?:s3|file):\/\/./.test(text)) {
    throw new UsageError(
      `${label} ${JSON.stringify(text)} is neither s3://bucket/prefix/ nor file:///path/`,
    );
  }
  return text;
}

/**
 * Checks an S3-compatible endpoint: an `http://` or `https://` URL.
 *
 * @throws UsageError for any other text
 * @example parseEndpointUrl('http://127.0.0.1:4568', '--endpoint') === 'http://127.0.0.1:4568'
 */
export function parseEndpointUrl(text: string, label: string): string {
  if (!/^https?:\/\/./.test(text)) {
    throw new UsageError(`${label} ${JSON.stringify(text)} is not an http:// or https:// URL`);
  }
  return text;
}

/**
 * Makes the Source a source URL names: `s3://bucket/prefix/` or `file:///path`.
 *
 * @throws UsageError naming the setting `source` when the URL is neither
 * @example openSource('file:///data/realtime-gzipped')
 */
export function openSource(url: string, options: S3SourceOptions = {}): Source {
  parseSourceUrl(url, 'source');
  return url.startsWith('s3://') ? s3Source(url, options) : folderSource(url);
}
