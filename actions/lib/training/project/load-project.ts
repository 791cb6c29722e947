// Reads a project folder's freshet-project.yml: the I/O edge of project.ts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError, UsageError } from '../../errors.ts';
import { PROJECT_FILE, parseProject, type TrainingProject } from './project.ts';

/**
 * Reads and checks `<folder>/freshet-project.yml`.
 *
 * @throws UsageError when the folder has no project file or the file is invalid; SourceError when
 *   it cannot be read
 */
export async function loadProject(folder: string): Promise<TrainingProject> {
  const path = join(folder, PROJECT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UsageError(`${folder} is not a training project: it has no ${PROJECT_FILE}`, {
        cause: error,
      });
    }
    throw new SourceError(`cannot read ${path}`, { cause: error });
  }
  return parseProject(text, path);
}
