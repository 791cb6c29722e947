// Checking that versions exist and verify: what `promote` refuses, what the aliases check and the
// publish step report.

import { describeError } from '../errors.ts';
import { type Aliases, namedVersions } from './aliases.ts';
import type { RegistryStore } from './store.ts';
import { formatModelUri } from './uri.ts';

/**
 * Every problem of one version in a store: it does not exist, its manifest is broken, or an asset
 * does not match its manifest (each asset is downloaded and its sha256 checked).
 *
 * @example await versionProblems(store, 'ozone-forest', 3) // [] when it verifies
 */
export async function versionProblems(
  store: RegistryStore,
  name: string,
  version: number,
): Promise<string[]> {
  const uri = formatModelUri({ kind: 'version', name, version });
  let manifest: Awaited<ReturnType<RegistryStore['get']>>;
  try {
    manifest = await store.get(name, version);
  } catch (error) {
    return [describeError(error)];
  }
  const problems: string[] = [];
  for (const asset of manifest.assets) {
    try {
      await store.download(name, version, asset.name);
    } catch (error) {
      const text = describeError(error);
      problems.push(text.startsWith(uri) ? text : `${uri}: ${text}`);
    }
  }
  return problems;
}

/**
 * Every problem of an aliases file against a store: each version it names must exist and verify.
 *
 * @example await aliasesProblemsInStore(store, { 'ozone-forest': { production: 3 } }) // []
 */
export async function aliasesProblemsInStore(
  store: RegistryStore,
  aliases: Aliases,
): Promise<string[]> {
  const problems: string[] = [];
  for (const { name, version } of namedVersions(aliases)) {
    problems.push(...(await versionProblems(store, name, version)));
  }
  return problems;
}
