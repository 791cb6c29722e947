import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceError, UsageError } from '../errors.ts';
import { parseObjectName } from './object-name.ts';
import { layoutSource, type Source } from './source.ts';
import type { ListedObject, SourceStorage } from './source-s3.ts';

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
      checkRoot: () => checkFolderRoot(url, root),
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
      readObject: (key) => readFile(join(root, key)),
    },
    parseObjectName,
  );
}

async function checkFolderRoot(url: string, root: string): Promise<void> {
  if (!(await isFolder(root))) {
    throw new UsageError(`${url}: there is no folder ${root}`);
  }
  try {
    await access(root, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw new UsageError(`${url}: the folder ${root} cannot be listed`, { cause: error });
  }
}

/**
 * A folder as a {@link SourceStorage} (a mirror of the archive, for tests and laptops): an object's
 * ETag is the MD5 of its content in quotes, as S3 gives it for an object uploaded whole, and its
 * LastModified the file's modification time. Only regular files (or links to one) are objects; a
 * folder that does not exist under the root lists as empty.
 *
 * @example
 * const storage = folderStorage('file:///data/openaq-archive/records/csv.gz');
 * await storage.listObjects('locationid=2178/year=2024/month=03/');
 */
export function folderStorage(url: string): SourceStorage {
  const root = folderOf(url);
  const entries = async (prefix: string) => {
    try {
      return await readdir(join(root, prefix), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await isFolder(root))) return [];
      throw new SourceError(`cannot list ${join(root, prefix)}`, { cause: error });
    }
  };
  return {
    url,
    checkRoot: () => checkFolderRoot(url, root),
    async listObjects(prefix) {
      const objects: ListedObject[] = [];
      for (const entry of await entries(prefix)) {
        const key = `${prefix}${entry.name}`;
        const path = join(root, key);
        if (entry.isDirectory()) {
          objects.push(...(await this.listObjects(`${key}/`)));
          continue;
        }
        if (!(entry.isFile() || (entry.isSymbolicLink() && (await isRegularFile(path))))) continue;
        const hash = createHash('md5');
        for await (const chunk of readFile(path)) hash.update(chunk);
        const { mtimeMs } = await stat(path);
        objects.push({ key, etag: `"${hash.digest('hex')}"`, lastModified: Math.floor(mtimeMs) });
      }
      return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async listFolders(prefix) {
      return (await entries(prefix))
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${prefix}${entry.name}/`)
        .sort();
    },
    readObject: (key) => readFile(join(root, key)),
  };
}

/** A regular file's bytes, a chunk at a time (see {@link Source.read}). */
async function* readFile(path: string): AsyncGenerator<Uint8Array> {
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
