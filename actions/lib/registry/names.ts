// What a model name, an alias and a version may be. Node-free. A name becomes part of a git tag
// (`model/<name>/v<N>`), a branch (`promote/<name>`), a folder and a URL path segment, so it keeps
// to characters that are safe in all four.

/** A model name: a letter or digit, then letters, digits, `.`, `_` or `-` (at most 100). */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** An alias: a lower-case letter, then lower-case letters, digits, `_` or `-` (at most 40). */
export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

/** Why `name` is not a model name, or undefined when it is one. */
export function modelNameProblem(name: string): string | undefined {
  if (!MODEL_NAME_PATTERN.test(name)) {
    return `model name ${JSON.stringify(name)} must be a letter or digit followed by letters, digits, ".", "_" or "-" (at most 100)`;
  }
  if (name.includes('..') || name.endsWith('.') || name.endsWith('.lock')) {
    return `model name ${JSON.stringify(name)} must not contain ".." nor end with "." or ".lock" (it names a git tag)`;
  }
  return undefined;
}

/** Why `alias` is not an alias, or undefined when it is one. */
export function aliasProblem(alias: string): string | undefined {
  return ALIAS_PATTERN.test(alias)
    ? undefined
    : `alias ${JSON.stringify(alias)} must be a lower-case letter followed by lower-case letters, digits, "_" or "-" (e.g. production)`;
}

/** Why `value` is not a version number (a JSON integer from 1), or undefined when it is one. */
export function versionProblem(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
    ? undefined
    : `version ${JSON.stringify(value)} must be an integer from 1`;
}
