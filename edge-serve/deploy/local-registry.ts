// Reads the promoted versions out of the local registry folder (the registry's default store):
// `<stateDir>/registry/aliases.json` = `{"<name>": {"production": 3, …}}` and, per version,
// `<stateDir>/registry/<name>/<N>/{manifest.json, model.json, …}`. Only versions an alias names
// are read: those are what a deployment serves.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../actions/lib/errors.ts';
import type { BundleInput, PromotedVersion } from './build-bundle.ts';

/** The registry folder under a state folder. */
export function registryDir(stateDir: string): string {
  return join(stateDir, 'registry');
}

/**
 * The promoted versions and aliases of a local registry, as {@link buildDeploymentBundle} takes them.
 *
 * @throws UsageError when aliases.json is missing or malformed, or a promoted version's files are
 *   missing
 * @example const { versions, aliases } = await readLocalRegistry('.freshet/registry');
 */
export async function readLocalRegistry(
  registry: string,
): Promise<Pick<BundleInput, 'versions' | 'aliases'>> {
  const aliasesPath = join(registry, 'aliases.json');
  const aliases = parseAliases(
    await readText(aliasesPath, 'no model has been promoted'),
    aliasesPath,
  );
  const wanted = new Set<string>();
  for (const [name, byAlias] of Object.entries(aliases)) {
    for (const version of Object.values(byAlias)) wanted.add(`${name}\0${version}`);
  }
  const versions: PromotedVersion[] = [];
  const problems: string[] = [];
  for (const key of [...wanted].sort()) {
    const [name = '', versionText = ''] = key.split('\0');
    const folder = join(registry, name, versionText);
    try {
      const manifestPath = join(folder, 'manifest.json');
      const manifest: unknown = JSON.parse(
        await readText(manifestPath, 'the version is not published'),
      );
      const modelJson = new Uint8Array(await readFile(join(folder, 'model.json')));
      versions.push({ name, version: Number(versionText), manifest, modelJson });
    } catch (error) {
      problems.push(`${name} version ${versionText} (${folder}): ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return { versions, aliases };
}

function parseAliases(text: string, path: string): Record<string, Record<string, number>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  if (!isObject(value)) problems.push(`${path} must map model names to {"alias": version}`);
  else {
    for (const [name, byAlias] of Object.entries(value)) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
        problems.push(`${path}: ${JSON.stringify(name)} is not a model name`);
      if (!isObject(byAlias)) problems.push(`${path}: ${name} must map aliases to versions`);
      else {
        for (const [alias, version] of Object.entries(byAlias)) {
          if (!Number.isInteger(version) || (version as number) < 1) {
            problems.push(`${path}: ${name}.${alias} must be a version number >= 1`);
          }
        }
      }
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return value as Record<string, Record<string, number>>;
}

async function readText(path: string, missing: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(`${path} does not exist: ${missing}`);
    }
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
