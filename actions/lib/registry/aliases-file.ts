// An aliases file on disk (the working tree's models/aliases.json), read and written whole.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Aliases, formatAliases, parseAliases } from './aliases.ts';
import { RegistryError } from './errors.ts';

/**
 * The file's aliases ({} when it does not exist).
 *
 * @throws InvalidDocumentError listing its problems; RegistryError when it is not JSON
 */
export async function readAliasesFile(path: string): Promise<Aliases> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return {};
    throw new RegistryError(`reading ${path} failed`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RegistryError(`${path} is not JSON`, { cause: error });
  }
  return parseAliases(value, path);
}

/** Writes the file (sorted, a final newline), whole, then renamed into place. */
export async function writeAliasesFile(path: string, aliases: Aliases): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, formatAliases(parseAliases(aliases)));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new RegistryError(`writing ${path} failed`, { cause: error });
  }
}
