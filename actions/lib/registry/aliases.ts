// models/aliases.json (and the local store's aliases.json): each model name's aliases and the
// versions they point at. Node-free: the Worker reads this file too.
import { InvalidDocumentError } from './errors.ts';
import { aliasProblem, modelNameProblem, versionProblem } from './names.ts';

/** `{"ozone-forest": {"production": 3, "staging": 4}}`. */
export type Aliases = { readonly [name: string]: { readonly [alias: string]: number } };

/** One alias that differs between two aliases files (a version of null: absent on that side). */
export interface AliasChange {
  readonly name: string;
  readonly alias: string;
  readonly from: number | null;
  readonly to: number | null;
}

/** Every problem of an aliases document (empty when it is valid). */
export function aliasesProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['the aliases must be a JSON object of model names'];
  }
  const problems: string[] = [];
  for (const [name, aliases] of Object.entries(value)) {
    const nameProblem = modelNameProblem(name);
    if (nameProblem) problems.push(nameProblem);
    if (typeof aliases !== 'object' || aliases === null || Array.isArray(aliases)) {
      problems.push(`${name}: must be an object of alias → version, e.g. {"production": 3}`);
      continue;
    }
    for (const [alias, version] of Object.entries(aliases)) {
      const problem = aliasProblem(alias) ?? versionProblem(version);
      if (problem) problems.push(`${name}.${alias}: ${problem}`);
    }
  }
  return problems;
}

/**
 * Checks an aliases document (already JSON-parsed).
 *
 * @throws InvalidDocumentError listing every problem
 * @example
 * const aliases = parseAliases(JSON.parse(text)); // { 'ozone-forest': { production: 3 } }
 */
export function parseAliases(value: unknown, what = 'aliases.json'): Aliases {
  const problems = aliasesProblems(value);
  if (problems.length > 0) throw new InvalidDocumentError(what, problems);
  return value as Aliases;
}

/**
 * The file's text: names and aliases sorted, two-space indented, a final newline, so that a
 * change of one alias is a one-line diff in a pull request.
 *
 * @example
 * formatAliases({ b: { staging: 2 }, a: { production: 1 } });
 * // '{\n  "a": {\n    "production": 1\n  },\n  "b": {\n    "staging": 2\n  }\n}\n'
 */
export function formatAliases(aliases: Aliases): string {
  const sorted: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(aliases).sort()) {
    const inner: Record<string, number> = {};
    const entry = aliases[name] ?? {};
    for (const alias of Object.keys(entry).sort()) inner[alias] = entry[alias] as number;
    sorted[name] = inner;
  }
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/**
 * The aliases with `name@alias` pointing at `version` (a new object; the argument is untouched).
 *
 * @example
 * withAlias({}, 'ozone-forest', 'staging', 4); // { 'ozone-forest': { staging: 4 } }
 */
export function withAlias(aliases: Aliases, name: string, alias: string, version: number): Aliases {
  return { ...aliases, [name]: { ...(aliases[name] ?? {}), [alias]: version } };
}

/**
 * What changed from `before` to `after`, sorted by name then alias.
 *
 * @example
 * aliasChanges({ m: { production: 1 } }, { m: { production: 2 } });
 * // [{ name: 'm', alias: 'production', from: 1, to: 2 }]
 */
export function aliasChanges(before: Aliases, after: Aliases): AliasChange[] {
  const changes: AliasChange[] = [];
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const name of [...names].sort()) {
    const a = before[name] ?? {};
    const b = after[name] ?? {};
    const aliases = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const alias of [...aliases].sort()) {
      const from = a[alias] ?? null;
      const to = b[alias] ?? null;
      if (from !== to) changes.push({ name, alias, from, to });
    }
  }
  return changes;
}

/** Every (name, version) an aliases document names, each once, sorted. */
export function namedVersions(aliases: Aliases): { name: string; version: number }[] {
  const seen = new Map<string, { name: string; version: number }>();
  for (const name of Object.keys(aliases).sort()) {
    for (const version of Object.values(aliases[name] ?? {})) {
      seen.set(`${name}\u0000${version}`, { name, version });
    }
  }
  return [...seen.values()].sort((x, y) =>
    x.name === y.name ? x.version - y.version : x.name < y.name ? -1 : 1,
  );
}
