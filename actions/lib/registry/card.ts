// The model card: a version's manifest as Markdown — the GitHub release's body, and what
// `freshet models show` prints. Pure.
import { escapeCell, markdownTable } from '../github/markdown.ts';
import type { Manifest } from './manifest.ts';
import { formatModelUri } from './uri.ts';

/**
 * The skill over the persistence forecast ("the next hour is like this one"): the project's
 * `skill` metric, else 1 − rmse / persistence_rmse, else undefined.
 *
 * @example persistenceSkill({ rmse: 2, persistence_rmse: 2.5 }) // 0.2
 */
export function persistenceSkill(metrics: { readonly [name: string]: number }): number | undefined {
  if (typeof metrics.skill === 'number') return metrics.skill;
  const { rmse, persistence_rmse: baseline } = metrics;
  return typeof rmse === 'number' && typeof baseline === 'number' && baseline > 0
    ? 1 - rmse / baseline
    : undefined;
}

/** A number as the card shows it: up to 4 significant decimals, no exponent for usual values. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** A parameter's value as one table cell. */
function paramText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The model card in Markdown.
 *
 * @example
 * const body = modelCard(manifest); // '## ozone-forest v3\n\n`models:/ozone-forest/3` …'
 */
export function modelCard(manifest: Manifest): string {
  const uri = formatModelUri({ kind: 'version', name: manifest.name, version: manifest.version });
  const skill = persistenceSkill(manifest.metrics);
  const { data, project } = manifest;
  const lines: string[] = [
    `## ${manifest.name} v${manifest.version}`,
    '',
    `\`${uri}\` · published ${manifest.created_at} from training run \`${manifest.run_id}\``,
    '',
    '### Metrics',
    '',
    markdownTable(
      [{ header: 'metric' }, { header: 'value', align: 'right' }],
      [
        ...Object.entries(manifest.metrics)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, value]) => [name, formatMetric(value)]),
        ...(skill === undefined || 'skill' in manifest.metrics
          ? []
          : [['skill over persistence', formatMetric(skill)]]),
      ],
    ),
    '',
    skill === undefined
      ? 'No persistence baseline was recorded.'
      : `Skill over the persistence forecast: **${formatMetric(skill)}** (${skill > 0 ? 'better' : 'no better'} than "the next hour is like this one").`,
    '',
    '### Parameters',
    '',
    Object.keys(manifest.params).length === 0
      ? 'None recorded.'
      : markdownTable(
          [{ header: 'parameter' }, { header: 'value' }],
          Object.entries(manifest.params)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([name, value]) => [name, paramText(value)]),
        ),
    '',
    '### Data',
    '',
    markdownTable(
      [{ header: '' }, { header: '' }],
      [
        ['variable', data.variable],
        ['station', data.station_name ? `${data.station_name} (${data.station})` : data.station],
        ['window', `${data.start} to ${data.end}`],
        ['rows', String(data.rows)],
        ['sha256', `\`${data.sha256}\``],
      ],
    ),
    '',
    '### Model',
    '',
    `Predicts \`${escapeCell(manifest.signature.output)}\` from ${manifest.signature.inputs.length} features: ${manifest.signature.inputs.map((i) => `\`${escapeCell(i)}\``).join(', ')}.`,
    '',
    `Training project \`${project.path}\` (entry point \`${project.entry_point}\`)` +
      (project.commit ? ` at commit \`${project.commit}\`` : ' (commit unknown)') +
      (manifest.workflow_run_url ? `; [workflow run](${manifest.workflow_run_url})` : '') +
      '.',
    '',
    '### Assets',
    '',
    markdownTable(
      [{ header: 'asset' }, { header: 'bytes', align: 'right' }, { header: 'sha256' }],
      manifest.assets.map((a) => [a.name, String(a.size), `\`${a.sha256}\``]),
    ),
    '',
    '`manifest.json` holds all of this as data.',
    '',
  ];
  return lines.join('\n');
}
