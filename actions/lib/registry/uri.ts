// Model URIs, as MLflow spells them: `models:/<name>/<N>`, `models:/<name>@<alias>` and
// `runs:/<run_id>/<artifact>`. Parsing and resolution are pure and node-free: the command line,
// the Worker and the site share them.
import { UsageError } from '../errors.ts';
import type { Aliases } from './aliases.ts';
import { RegistryNotFoundError } from './errors.ts';
import { aliasProblem, modelNameProblem } from './names.ts';

/** A parsed model URI. */
export type ModelUri =
  | { readonly kind: 'version'; readonly name: string; readonly version: number }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string }
  | { readonly kind: 'run'; readonly runId: string; readonly artifact: string };

/** A version of a model, as a URI resolves to. */
export interface ModelVersionRef {
  readonly name: string;
  readonly version: number;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const VERSION = /^[1-9][0-9]{0,14}$/;
const FORMS = 'models:/<name>/<version>, models:/<name>@<alias> or runs:/<run_id>/<artifact>';

function fail(text: string, why: string): never {
  throw new UsageError(`model URI ${JSON.stringify(text)}: ${why} (the forms: ${FORMS})`);
}

/**
 * Parses a model URI.
 *
 * @throws UsageError naming the URI, what is wrong with it and the accepted forms
 * @example
 * parseModelUri('models:/ozone-forest/3');        // { kind: 'version', name: 'ozone-forest', version: 3 }
 * parseModelUri('models:/ozone-forest@production'); // { kind: 'alias', name: 'ozone-forest', alias: 'production' }
 * parseModelUri('runs:/3f2a9c1e/model.json');     // { kind: 'run', runId: '3f2a9c1e', artifact: 'model.json' }
 */
export function parseModelUri(text: string): ModelUri {
  if (text.startsWith('models:/')) return parseModelsUri(text, text.slice('models:/'.length));
  if (text.startsWith('runs:/')) return parseRunsUri(text, text.slice('runs:/'.length));
  return fail(text, 'unknown scheme');
}

function parseModelsUri(text: string, rest: string): ModelUri {
  const at = rest.indexOf('@');
  if (at >= 0) {
    const name = rest.slice(0, at);
    const alias = rest.slice(at + 1);
    const problem = modelNameProblem(name) ?? aliasProblem(alias);
    if (problem) fail(text, problem);
    return { kind: 'alias', name, alias };
  }
  const slash = rest.indexOf('/');
  if (slash < 0) fail(text, 'a version (/N) or an alias (@alias) must follow the name');
  const name = rest.slice(0, slash);
  const version = rest.slice(slash + 1);
  const problem = modelNameProblem(name);
  if (problem) fail(text, problem);
  if (!VERSION.test(version)) {
    fail(text, `version ${JSON.stringify(version)} must be a whole number from 1`);
  }
  return { kind: 'version', name, version: Number(version) };
}

function parseRunsUri(text: string, rest: string): ModelUri {
  const slash = rest.indexOf('/');
  if (slash < 0) fail(text, 'an artifact path must follow the run id');
  const runId = rest.slice(0, slash);
  const artifact = rest.slice(slash + 1);
  if (!RUN_ID.test(runId)) fail(text, `run id ${JSON.stringify(runId)} is not one`);
  const segments = artifact.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    fail(text, `artifact ${JSON.stringify(artifact)} must be a relative path without "." or ".."`);
  }
  return { kind: 'run', runId, artifact };
}

/**
 * The URI's text.
 *
 * @example
 * formatModelUri({ kind: 'version', name: 'ozone-forest', version: 3 }); // 'models:/ozone-forest/3'
 */
export function formatModelUri(uri: ModelUri): string {
  switch (uri.kind) {
    case 'version':
      return `models:/${uri.name}/${uri.version}`;
    case 'alias':
      return `models:/${uri.name}@${uri.alias}`;
    case 'run':
      return `runs:/${uri.runId}/${uri.artifact}`;
  }
}

/**
 * The version a `models:/` URI names: an alias is looked up in `aliases`; when `versions` (the
 * model's published versions) is given, the version must be one of them.
 *
 * @throws RegistryNotFoundError for an unknown name, alias or version, saying what there is
 * @example
 * resolveModelUri(parseModelUri('models:/ozone-forest@production'), { 'ozone-forest': { production: 3 } });
 * // { name: 'ozone-forest', version: 3 }
 */
export function resolveModelUri(
  uri: Exclude<ModelUri, { kind: 'run' }>,
  aliases: Aliases,
  versions?: readonly number[],
): ModelVersionRef {
  const text = formatModelUri(uri);
  let version: number;
  if (uri.kind === 'alias') {
    const entry = aliases[uri.name];
    if (entry === undefined) {
      const known = Object.keys(aliases).sort();
      throw new RegistryNotFoundError(
        `${text}: no aliases for a model named ${uri.name} (${known.length > 0 ? `models with aliases: ${known.join(', ')}` : 'no model has aliases'})`,
      );
    }
    const found = entry[uri.alias];
    if (found === undefined) {
      const known = Object.keys(entry).sort();
      throw new RegistryNotFoundError(
        `${text}: ${uri.name} has no alias ${uri.alias} (its aliases: ${known.join(', ') || 'none'})`,
      );
    }
    version = found;
  } else version = uri.version;
  if (versions !== undefined && !versions.includes(version)) {
    throw new RegistryNotFoundError(
      versions.length === 0
        ? `${text}: there is no model named ${uri.name}`
        : `${text}: ${uri.name} has no version ${version} (its versions: ${[...versions].sort((a, b) => a - b).join(', ')})`,
    );
  }
  return { name: uri.name, version };
}
