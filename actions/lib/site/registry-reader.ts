// Where the site reads the registry from: a narrow interface (aliases, models, versions, a version's
// text files) so that the local folder store below and the GitHub Releases store can both feed it.
// The local layout: <stateDir>/registry/<name>/<N>/<asset> and <stateDir>/registry/aliases.json.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FreshetError, UsageError } from '../errors.ts';
import { isRecord, showValue } from '../training/project/validation.ts';

/** `{"<name>": {"production": 3, "staging": 4}}`: alias → version, per model. */
export type Aliases = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** What the site needs of a registry store. */
export interface RegistryReader {
  /** Where it reads from, for messages (`.freshet/registry`, `owner/repo`). */
  readonly label: string;
  /** Every model's aliases (none: `{}`). */
  aliases(): Promise<Aliases>;
  /** The models' names, sorted. */
  models(): Promise<string[]>;
  /** A model's version numbers, ascending. */
  versions(name: string): Promise<number[]>;
  /** A version's asset as text, or undefined when the version has no such asset. */
  text(name: string, version: number, asset: string): Promise<string | undefined>;
}

/**
 * Checks aliases.json: model names to objects of alias names to positive version numbers.
 *
 * @throws UsageError listing every problem, naming `where`
 * @example parseAliases('{"ozone": {"production": 3}}', 'aliases.json') // { ozone: { production: 3 } }
 */
export function parseAliases(text: string, where: string): Aliases {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new UsageError(`${where} must map model names to their aliases`);
  const problems: string[] = [];
  const aliases: Record<string, Record<string, number>> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!isRecord(entry)) {
      problems.push(`${where}: ${name} must map alias names to versions, got ${showValue(entry)}`);
      continue;
    }
    aliases[name] = {};
    for (const [alias, version] of Object.entries(entry)) {
      if (Number.isSafeInteger(version) && (version as number) > 0) {
        aliases[name][alias] = version as number;
      } else {
        problems.push(
          `${where}: ${name}.${alias} must be a version number, got ${showValue(version)}`,
        );
      }
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return aliases;
}

const VERSION_FOLDER = /^[1-9]\d{0,8}$/;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new FreshetError(`reading ${path} failed`, { cause: error });
  }
}

async function folders(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new FreshetError(`listing ${path} failed`, { cause: error });
  }
}

/**
 * The local folder store: `<dir>/<name>/<N>/` per version, `<dir>/aliases.json`. A missing folder
 * is an empty registry.
 *
 * @example const reader = localRegistryReader(join(stateDir, 'registry'));
 */
export function localRegistryReader(dir: string): RegistryReader {
  return {
    label: dir,
    async aliases() {
      const file = join(dir, 'aliases.json');
      const text = await readOptional(file);
      return text === undefined ? {} : parseAliases(text, file);
    },
    async models() {
      return (await folders(dir)).sort();
    },
    async versions(name) {
      return (await folders(join(dir, name)))
        .filter((folder) => VERSION_FOLDER.test(folder))
        .map(Number)
        .sort((a, b) => a - b);
    },
    text: (name, version, asset) => readOptional(join(dir, name, String(version), asset)),
  };
}
