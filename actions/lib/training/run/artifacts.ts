// A run's artifacts: every regular file the project left in its output folder, with size and
// sha256, copied into the run's folder under the state directory (`.freshet/runs/<run id>/`).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { FreshetError } from '../../errors.ts';
import type { Logger } from '../../util/logger.ts';

/** What a run may keep unless told otherwise (the setting `max-artifact-bytes`): 500 MB. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 500_000_000;

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
 * Their sizes are summed before any is read: more than `maxBytes` in all fails the run.
 *
 * @throws FreshetError when the files hold more than `maxBytes`, naming the setting and the sizes
 * @example
 * const artifacts = await listArtifacts(outputDir, logger, 500_000_000);
 * // [{ name: 'model.json', size: 2048, sha256: '…' }, …]
 */
export async function listArtifacts(
  dir: string,
  logger: Logger,
  maxBytes: number,
): Promise<ArtifactRecord[]> {
  const found: { name: string; path: string; size: number }[] = [];
  let total = 0;
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const name = relative(dir, path).split(sep).join('/');
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const { size } = await lstat(path);
        found.push({ name, path, size });
        total += size;
      } else logger.warn(`artifact ${name} is not a regular file: left out`);
    }
  };
  await walk(dir);
  if (total > maxBytes) {
    const largest = found.reduce((a, b) => (b.size > a.size ? b : a));
    throw new FreshetError(
      `the artifacts hold ${total} bytes in ${found.length} files (the largest, ${largest.name}, ` +
        `${largest.size} bytes), more than max-artifact-bytes allows (${maxBytes}): none was kept; ` +
        'write less to FRESHET_OUTPUT_DIR or raise max-artifact-bytes',
    );
  }
  const records: ArtifactRecord[] = [];
  for (const { name, path, size } of found) {
    records.push({ name, size, sha256: await sha256OfFile(path) });
  }
  return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
