import { UsageError } from '../errors.ts';
import type { Source } from './source.ts';
import { folderSource } from './source-folder.ts';
import { type S3SourceOptions, s3Source } from './source-s3.ts';

/** OpenAQ's historical real-time bucket (reported private since 2024; any mirror with its layout works). */
export const DEFAULT_SOURCE = 's3://openaq-fetches/realtime-gzipped/';

/** Makes the Source a `--source` URL names: `s3://bucket/prefix/` or `file:///path`. */
export function openSource(url: string, options: S3SourceOptions = {}): Source {
  if (url.startsWith('s3://')) return s3Source(url, options);
  if (url.startsWith('file://')) return folderSource(url);
  throw new UsageError(
    `--source ${url} is not supported: give s3://bucket/prefix/ or file:///path/to/realtime-gzipped`,
  );
}
