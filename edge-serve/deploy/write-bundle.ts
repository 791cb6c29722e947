// Writes a deployment bundle into the Worker's assets directory, replacing what was there, so that
// a deployment carries exactly the versions it was built with.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BundleFiles } from './build-bundle.ts';

/**
 * Replaces `dir` with the bundle's files.
 *
 * @example await writeBundle('edge-serve/bundle', await buildDeploymentBundle(input));
 */
export async function writeBundle(dir: string, files: BundleFiles): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, bytes] of files) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
}
