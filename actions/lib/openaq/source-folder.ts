import { constants } from 'node:fs';
import { access, type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceError, UsageError } from '../errors.ts';
import { parseObjectName } from './object-name.ts';
import { layoutSource, type Source } from './source.ts';

/** How much of a file is read at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * A folder with the real-time layout, for mirrors and tests:
 * `file:///data/realtime-gzipped` holds `2018-06-07/1528329600.ndjson.gz`, …
 * A date folder that does not exist is an empty one (no fetch that day); a root that does not
 * exist is a SourceError. Only regular files are read (a symbolic link to one is fine): a FIFO, a
 * device such as /dev/zero, a socket or a broken link is skipped and counted, since reading it
 * could block forever or never end.
 *
 * @throws UsageError when `url` names no local folder (`file://host/…`, `https://…`).
 */
export function folderSource(url: string): Source {
  const root = folderOf(url);
  return layoutSource(
    {
      url,
      async checkRoot() {
        if (!(await isFolder(root))) {
          throw new UsageError(`${url}: there is no folder ${root}`);
        }
        try {
          await access(root, constants.R_OK | constants.X_OK);
        } catch (error) {
          throw new UsageError(`${url}: the folder ${root} cannot be listed`, { cause: error });
        }
      },
      async listFolder(folder) {
        try {
          const entries = await readdir(join(root, folder), { withFileTypes: true });
          const names: string[] = [];
          const unreadable: string[] = [];
          for (const entry of entries) {
            if (entry.isDirectory()) continue;
            // Symbolic links count as files when they lead to one: a mirror may be a tree of links
            // to another copy.
            const regular =
              entry.isFile() ||
              (entry.isSymbolicLink() && (await isRegularFile(join(root, folder, entry.name))));
            (regular ? names : unreadable).push(entry.name);
          }
          return { names, unreadable };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            // No folder for a date is a day without fetches; no root at all is a wrong URL (a
            // typo would otherwise ingest nothing, successfully, forever).
            if (await isFolder(root)) return { names: [], unreadable: [] };
            throw new SourceError(
              `cannot list ${join(root, folder)}: the source folder ${root} does not exist`,
              { cause: error },
            );
          }
          throw new SourceError(`cannot list ${join(root, folder)}`, { cause: error });
        }
      },
      async *readObject(key) {
        const path = join(root, key);
        let file: FileHandle;
        try {
          // Non-blocking, so that a file replaced by a FIFO since the listing cannot hang the open;
          // then only a regular file is read.
          file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
        } catch (error) {
          throw new SourceError(`cannot read ${path}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        try {
          if (!(await file.stat()).isFile()) {
            throw new SourceError(`cannot read ${path}: not a regular file`);
          }
          const buffer = new Uint8Array(READ_CHUNK_BYTES);
          for (;;) {
            let bytesRead: number;
            try {
              ({ bytesRead } = await file.read(buffer, 0, buffer.length, null));
            } catch (error) {
              throw new SourceError(`cannot read ${path}: ${(error as Error).message}`, {
                cause: error,
              });
            }
            if (bytesRead === 0) return;
            // A copy: the consumer may keep or transfer it while the next read fills the buffer.
            yield buffer.slice(0, bytesRead);
          }
        } finally {
          await file.close();
        }
      },
    },
    parseObjectName,
  );
}

/** The local path a `file:` URL names (percent-decoded: `file:///data/my%20mirror` is `/data/my mirror`). */
function folderOf(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new UsageError(
      `${url} is not a local folder URL: give file:///path/to/realtime-gzipped`,
      { cause: error },
    );
  }
}

/** Whether `path` leads (through links) to a regular file. */
async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
