// A run's artifacts: every regular file the project left in its output folder, with size and
// sha256, copied into the run's folder under the state directory (`.freshet/runs/<run id>/`).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Logger } from '../../util/logger.ts';

/** One artifact as a run records it. */
export interface ArtifactRecord {
  /** Path inside the output folder, `/`-separated (`model.json`, `plots/residuals.png`). */
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Lists the regular files under `dir`, sorted by name. Symbolic links and other special files are
 * left out with a warning: a project must not make the runner copy what lies outside its folder.
 */
export async function listArtifacts(dir: string, logger: Logger): Promise<ArtifactRecord[]> {
  const found: ArtifactRecord[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const name = relative(dir, path).split(sep).join('/');
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const { size } = await lstat(path);
        found.push({ name, size, sha256: await sha256OfFile(path) });
      } else logger.warn(`artifact ${name} is not a regular file: left out`);
    }
  };
  await walk(dir);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Copies the listed artifacts from `dir` into `destination` (made as needed). */
export async function copyArtifacts(
  dir: string,
  artifacts: readonly ArtifactRecord[],
  destination: string,
): Promise<void> {
  for (const artifact of artifacts) {
    const target = join(destination, ...artifact.name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(dir, ...artifact.name.split('/')), target);
  }
}
