// Where a project's code is on disk, whose it is, and at which commit.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { fetchProject, localCommit } from './git-fetch.ts';
import { formatProjectRef, type ProjectRef } from './project-ref.ts';

/** A project ready to be read and run. */
export interface ProjectSource {
  /** The project's folder. */
  readonly folder: string;
  /** Where its repository's files start (the checkout of another repository, or `/`). */
  readonly root: string;
  /** The reference as recorded (`training/ozone-forest`, `acme/models/ozone@<sha>`). */
  readonly ref: string;
  /** The commit of its code, when known. */
  readonly commit: string | null;
  /** Code of this repository (the caller's own) — or another's, which runs with read-only credentials. */
  readonly trusted: boolean;
}

/**
 * Finds a local project's folder, or fetches another repository's at its pinned commit into
 * `<scratch>/checkout`.
 *
 * @throws UsageError when a local folder does not exist; SourceError when a fetch fails
 */
export async function openProjectSource(
  ref: ProjectRef,
  options: {
    scratch: string;
    remoteBaseUrl?: string | undefined;
    env: Readonly<NodeJS.ProcessEnv>;
  },
): Promise<ProjectSource> {
  if (ref.kind === 'local') {
    const folder = resolve(ref.path);
    const found = await stat(folder).catch(() => undefined);
    if (!found?.isDirectory()) {
      const where = folder === ref.path ? '' : ` (looked at ${folder})`;
      throw new UsageError(`the project folder ${ref.path} does not exist${where}`);
    }
    return {
      folder,
      root: '/',
      ref: ref.path,
      commit: (await localCommit(folder, options.env)) ?? null,
      trusted: true,
    };
  }
  const checkoutDir = join(options.scratch, 'checkout');
  const folder = await fetchProject(ref, {
    checkoutDir,
    env: options.env,
    ...(options.remoteBaseUrl !== undefined ? { baseUrl: options.remoteBaseUrl } : {}),
  });
  return {
    folder,
    root: checkoutDir,
    ref: formatProjectRef(ref),
    commit: ref.commit,
    trusted: false,
  };
}
