// Promotion: moving an alias to a version. Planned as a value first (the new aliases, the
// comparison with production, the validation), then applied: to the local store's aliases file,
// to the working tree's models/aliases.json, or as a pull request (promotion-pr.ts).
import { UsageError } from '../errors.ts';
import { type Prediction, parsePredictionsCsv } from '../training/run/run-predictions.ts';
import { type AliasChange, type Aliases, aliasChanges, withAlias } from './aliases.ts';
import { compareVersions, type VersionComparison } from './comparison.ts';
import { findAsset, type Manifest } from './manifest.ts';
import type { RegistryStore } from './store.ts';
import { aliasesProblemsInStore, versionProblems } from './validate.ts';

/** The alias the comparison is made against. */
export const PRODUCTION = 'production';

/** What a promotion would do, and what is known about it. */
export interface PromotionPlan {
  readonly name: string;
  readonly version: number;
  readonly alias: string;
  readonly before: Aliases;
  readonly after: Aliases;
  readonly changes: readonly AliasChange[];
  readonly candidate: Manifest;
  /** The version the alias points at now. */
  readonly current: Manifest | undefined;
  /** The production version. */
  readonly production: Manifest | undefined;
  /** What the candidate is compared with: production, else the alias's current version. */
  readonly compared: { readonly alias: string; readonly manifest: Manifest } | undefined;
  readonly comparison: VersionComparison;
  /** Problems of the new aliases file against the store (empty: it validates). */
  readonly validation: readonly string[];
}

async function predictionsOf(
  store: RegistryStore,
  manifest: Manifest,
): Promise<Prediction[] | undefined> {
  if (findAsset(manifest, 'predictions.csv') === undefined) return undefined;
  try {
    const bytes = await store.download(manifest.name, manifest.version, 'predictions.csv');
    return parsePredictionsCsv(new TextDecoder().decode(bytes));
  } catch {
    // A comparison without the common window is still a comparison; validation reports the asset.
    return undefined;
  }
}

/**
 * Plans moving `name@alias` to `version`.
 *
 * @throws UsageError when the version does not exist or does not verify (every problem listed)
 * @example const plan = await planPromotion(store, { name: 'ozone-forest', version: 4, alias: 'staging' });
 */
export async function planPromotion(
  store: RegistryStore,
  target: { readonly name: string; readonly version: number; readonly alias: string },
  before?: Aliases,
): Promise<PromotionPlan> {
  const { name, version, alias } = target;
  const problems = await versionProblems(store, name, version);
  if (problems.length > 0) {
    throw new UsageError(problems.map((p) => `cannot promote to ${name}@${alias}: ${p}`));
  }
  const candidate = await store.get(name, version);
  const aliases = before ?? (await store.aliases());
  const after = withAlias(aliases, name, alias, version);
  const versionOf = (which: string) => aliases[name]?.[which];
  const load = async (v: number | undefined) =>
    v === undefined ? undefined : await store.get(name, v).catch(() => undefined);
  const current = await load(versionOf(alias));
  const production = await load(versionOf(PRODUCTION));
  const against = production ?? current;
  const a = await predictionsOf(store, candidate);
  const b = against === undefined ? undefined : await predictionsOf(store, against);
  const comparison = compareVersions(
    candidate,
    against,
    a !== undefined && b !== undefined ? { candidate: a, current: b } : undefined,
  );
  return {
    name,
    version,
    alias,
    before: aliases,
    after,
    changes: aliasChanges(aliases, after),
    candidate,
    current,
    production,
    compared:
      production !== undefined
        ? { alias: PRODUCTION, manifest: production }
        : current !== undefined
          ? { alias, manifest: current }
          : undefined,
    comparison,
    validation: await aliasesProblemsInStore(store, after),
  };
}
