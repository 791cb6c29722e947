// Everything the site's pages show, assembled from the registry and the status snapshot: a plain
// JSON value the Astro pages render. Pure: the clock and the configuration are parameters.

import { persistenceSkill } from '../registry/card.ts';
import type { Manifest } from '../registry/manifest.ts';
import type { Prediction } from '../training/run/run-predictions.ts';
import type { FeatureImportance, RegistrySnapshot } from './registry-snapshot.ts';
import type { SiteStatus } from './status-snapshot.ts';

/** The metrics listed first, in this order, when a version has them. */
const HEADLINE_METRICS = ['rmse', 'mae', 'r2', 'persistence_rmse', 'skill'] as const;

/** How many of a model's newest versions get a comparison page for every pair (n² pages). */
export const COMPARED_VERSIONS = 30;

const DAY_MS = 86_400_000;

/** One version as the pages show it. */
export interface SiteVersion {
  readonly version: number;
  /** Its aliases (`production`, `staging`), sorted. */
  readonly aliases: readonly string[];
  readonly manifest: Manifest;
  /** Skill over persistence: `metrics.skill`, else 1 − rmse / persistence_rmse, else null. */
  readonly skill: number | null;
  /** Days since it was published. */
  readonly age_days: number;
  /** Days between the end of its data and the build. */
  readonly data_age_days: number;
  /** Its GitHub release, when the registry is a repository's. */
  readonly release_url: string | null;
  readonly predictions: readonly Prediction[] | null;
  readonly importances: readonly FeatureImportance[] | null;
  readonly card: string | null;
  /** Consecutive hourly observations a forecast needs: the longest target lag + 1. */
  readonly min_observations: number;
}

/** One model as the pages show it. */
export interface SiteModel {
  readonly name: string;
  readonly aliases: Readonly<Record<string, number>>;
  /** The version the home page and the model page lead with: production, else the newest. */
  readonly headline: number;
  /** The headline version's data. */
  readonly variable: string;
  readonly station: string;
  /** Every metric any version has, headline metrics first. */
  readonly metric_names: readonly string[];
  /** Ascending. */
  readonly versions: readonly SiteVersion[];
  /** The version pairs [older, newer] that have a comparison page. */
  readonly pairs: readonly (readonly [number, number])[];
}

export interface SiteData {
  readonly generated_at: string;
  /** Where the Worker serves the models (for the `curl` examples). */
  readonly edge_url: string;
  /** False when no edge URL was configured and `edge_url` is a placeholder. */
  readonly edge_url_configured: boolean;
  readonly registry: { readonly source: string; readonly problems: readonly string[] };
  readonly models: readonly SiteModel[];
  readonly status: SiteStatus;
}

/** What the build is told besides the registry and the status. */
export interface SiteOptions {
  /** The build's clock, epoch ms. */
  readonly now: number;
  readonly edgeUrl?: string | undefined;
  /** `owner/repo`, when the registry is that repository's releases. */
  readonly repository?: string | undefined;
}

/** The placeholder the examples use when no edge URL is configured: `wrangler dev`'s address. */
export const PLACEHOLDER_EDGE_URL = 'http://127.0.0.1:8787';

/**
 * Skill over the persistence forecast, as the registry's card computes it (the `skill` metric,
 * else from `rmse` and `persistence_rmse`), or null (the pages' JSON has no undefined).
 *
 * @example skillOf({ rmse: 3, persistence_rmse: 4 }) === 0.25
 */
export function skillOf(metrics: Readonly<Record<string, number>>): number | null {
  return persistenceSkill(metrics) ?? null;
}

/**
 * Consecutive hourly observations a forecast needs, from the signature's lag features
 * (`o3_lag24` → 25); 1 when it has none.
 *
 * @example minObservations(['o3_lag0', 'o3_lag24', 'hour_sin']) === 25
 */
export function minObservations(inputs: readonly string[]): number {
  let longest = 0;
  for (const input of inputs) {
    const lag = /_lag(\d+)$/.exec(input)?.[1];
    if (lag !== undefined) longest = Math.max(longest, Number(lag));
  }
  return longest + 1;
}

/** Metric names, the headline ones first in their order, then the rest sorted. */
function metricNames(manifests: readonly Manifest[]): string[] {
  const all = new Set(manifests.flatMap((m) => Object.keys(m.metrics)));
  const first = HEADLINE_METRICS.filter((name) => all.has(name));
  const rest = [...all].filter((name) => !first.includes(name as never)).sort();
  return [...first, ...rest];
}

/** Every pair of the newest {@link COMPARED_VERSIONS} versions, older first. */
function pairsOf(versions: readonly number[]): [number, number][] {
  const newest = versions.slice(-COMPARED_VERSIONS);
  return newest.flatMap((a, i) => newest.slice(i + 1).map((b): [number, number] => [a, b]));
}

/**
 * The site's data: models sorted by name, each with its versions; the status as given.
 *
 * @example const data = siteData(await readRegistry(reader), status, { now: Date.now() });
 */
export function siteData(
  registry: RegistrySnapshot,
  status: SiteStatus,
  options: SiteOptions,
): SiteData {
  const releaseUrl = (name: string, version: number) =>
    options.repository
      ? `https://github.com/${options.repository}/releases/tag/model/${encodeURIComponent(name)}/v${version}`
      : null;
  const models = registry.models.map((model): SiteModel => {
    const versions = model.versions.map((record): SiteVersion => {
      const { manifest } = record;
      return {
        version: manifest.version,
        aliases: Object.entries(model.aliases)
          .filter(([, version]) => version === manifest.version)
          .map(([alias]) => alias)
          .sort(),
        manifest,
        skill: skillOf(manifest.metrics),
        age_days: (options.now - Date.parse(manifest.created_at)) / DAY_MS,
        data_age_days: (options.now - Date.parse(manifest.data.end)) / DAY_MS,
        release_url: releaseUrl(model.name, manifest.version),
        predictions: record.predictions ?? null,
        importances: record.importances ?? null,
        card: record.card ?? null,
        min_observations: minObservations(manifest.signature.inputs),
      };
    });
    const newest = versions.at(-1);
    // readRegistry leaves out models without a readable version.
    if (newest === undefined) throw new Error(`model ${model.name} has no version (a bug)`);
    const production = versions.find((v) => v.version === model.aliases.production);
    const headline = production ?? newest;
    return {
      name: model.name,
      aliases: model.aliases,
      headline: headline.version,
      variable: headline.manifest.data.variable,
      station: headline.manifest.data.station,
      metric_names: metricNames(versions.map((v) => v.manifest)),
      versions,
      pairs: pairsOf(versions.map((v) => v.version)),
    };
  });
  return {
    generated_at: new Date(options.now).toISOString(),
    edge_url: (options.edgeUrl ?? PLACEHOLDER_EDGE_URL).replace(/\/+$/, ''),
    edge_url_configured: options.edgeUrl !== undefined,
    registry: { source: registry.source, problems: registry.problems },
    models: [...models].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    status,
  };
}
