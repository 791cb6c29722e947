// "Use it": a version's model URIs and copyable `curl` calls of the Worker's routes
// (DESIGN.md, Edge serving). Pure and Web-standard.
import { formatModelUri } from '../registry/uri.ts';
import type { SiteModel, SiteVersion } from './site-data.ts';

/** A model URI (written by the registry's formatter) and what it names. */
export interface ModelUri {
  readonly uri: string;
  readonly meaning: string;
}

/**
 * The URIs that name a version: its number, and each alias it holds.
 *
 * @example modelUris('ozone', 3, ['production']).map((u) => u.uri) // ['models:/ozone/3', 'models:/ozone@production']
 */
export function modelUris(name: string, version: number, aliases: readonly string[]): ModelUri[] {
  return [
    {
      uri: formatModelUri({ kind: 'version', name, version }),
      meaning: `version ${version}, always`,
    },
    ...aliases.map((alias) => ({
      uri: formatModelUri({ kind: 'alias', name, alias }),
      meaning: `whatever ${alias} names (now version ${version})`,
    })),
  ];
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * `curl` for MLflow's scoring route of this version: one row of the signature's inputs.
 *
 * @example invocationsCurl('https://edge.example', model, version)
 */
export function invocationsCurl(edgeUrl: string, model: SiteModel, version: SiteVersion): string {
  const inputs = version.manifest.signature.inputs;
  const body = JSON.stringify({
    dataframe_split: { columns: inputs, data: [inputs.map(() => 0)] },
  });
  const target = version.aliases[0]
    ? `${model.name}@${version.aliases[0]}`
    : `${model.name}/${version.version}`;
  return [
    `curl -s -X POST ${quote(`${edgeUrl}/models/${target}/invocations`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${quote(body)}`,
  ].join('\n');
}

/**
 * `curl` for the forecast route: the hourly observations it needs (the newest of the version's
 * test window when it has predictions, else placeholders), the next 24 hours.
 */
export function forecastCurl(edgeUrl: string, model: SiteModel, version: SiteVersion): string {
  const needed = version.min_observations;
  const recent = version.predictions?.slice(-needed) ?? [];
  const end = Date.parse(version.manifest.data.end);
  const observations =
    recent.length === needed
      ? recent.map((p) => ({ time: p.time, value: p.observed }))
      : Array.from({ length: needed }, (_, i) => ({
          time: new Date(end - (needed - i) * 3_600_000).toISOString().replace('.000Z', 'Z'),
          value: 0,
        }));
  const body = JSON.stringify({ observations, horizon: 24 });
  return [
    `curl -s -X POST ${quote(`${edgeUrl}/models/${model.name}/forecast`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${quote(body)}`,
  ].join('\n');
}
