import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError } from '../errors.ts';
import { parseObjectName } from './object-name.ts';
import { layoutSource, type Source } from './source.ts';

/**
 * A folder with the real-time layout, for mirrors and tests:
 * `file:///data/realtime-gzipped` holds `2018-06-07/1528329600.ndjson.gz`, …
 * A date folder that does not exist is an empty one (no fetch that day).
 */
export function folderSource(url: string): Source {
  const root = new URL(url).pathname;
  return layoutSource(
    {
      url,
      async listFolder(folder) {
        try {
          const entries = await readdir(join(root, folder), { withFileTypes: true });
          return entries.filter((e) => e.isFile()).map((e) => e.name);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
          throw new SourceError(`cannot list ${join(root, folder)}`, { cause: error });
        }
      },
      async readObject(key) {
        try {
          return await readFile(join(root, key));
        } catch (error) {
          throw new SourceError(`cannot read ${join(root, key)}`, { cause: error });
        }
      },
    },
    parseObjectName,
  );
}
