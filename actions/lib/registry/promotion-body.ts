// The promotion pull request's title and body: the candidate beside the version the alias points
// at now, which is better and by how much, and the validation of the new aliases file. Pure.
import { escapeCell, markdownTable } from '../github/markdown.ts';
import { compareRoute, versionRoute } from '../site/routes.ts';
import { formatMetric, persistenceSkill } from './card.ts';
import type { VersionComparison } from './comparison.ts';
import type { Manifest } from './manifest.ts';

/** What the body shows. */
export interface PromotionBodyInput {
  readonly candidate: Manifest;
  readonly alias: string;
  /** The version the alias points at now (undefined: none yet). */
  readonly current: Manifest | undefined;
  /** What the candidate is compared with (the production version, else the alias's current one). */
  readonly compared: { readonly alias: string; readonly manifest: Manifest } | undefined;
  readonly comparison: VersionComparison;
  /** Problems the validation found in the new aliases file (empty: it passed); undefined: not run. */
  readonly validation: readonly string[] | undefined;
  /** Where models/aliases.json is, for the text. */
  readonly aliasesPath: string;
  /**
   * The registry site's address with its base path (`https://octo.github.io/freshet`), when one is
   * configured: the body links to its page comparing the two versions.
   */
  readonly siteUrl?: string | undefined;
}

/** `Promote ozone-forest v4 to production`. */
export function promotionTitle(name: string, version: number, alias: string): string {
  return `Promote ${name} v${version} to ${alias}`;
}

/** A line and the blank line after it, or nothing. */
const lineAndBlank = (line: string | undefined): string[] => (line === undefined ? [] : [line, '']);

const percent = (x: number) => `${formatMetric(x * 100)} %`;
const signed = (x: number) => (x > 0 ? `+${formatMetric(x)}` : formatMetric(x));

function verdict(input: PromotionBodyInput): string {
  const { comparison, candidate } = input;
  const current = input.compared?.manifest;
  if (current === undefined) {
    return `There is no production or ${input.alias} version yet to compare with: v${candidate.version} would be the first.`;
  }
  const them = `v${current.version}`;
  const me = `v${candidate.version}`;
  if (comparison.basis === undefined || comparison.by === undefined) {
    return `The two versions record no metric they can be compared on.`;
  }
  const on =
    comparison.basis === 'common test window' && comparison.commonWindow !== undefined
      ? `on the same test window (${comparison.commonWindow.rows} hours, ${comparison.commonWindow.from} to ${comparison.commonWindow.to}): RMSE ${formatMetric(comparison.commonWindow.candidateRmse)} against ${formatMetric(comparison.commonWindow.currentRmse)}`
      : comparison.basis === 'skill'
        ? 'by skill over the persistence forecast (each on its own test window)'
        : 'by RMSE (each on its own test window)';
  if (comparison.better === undefined) return `**${me} and ${them} are equal** ${on}.`;
  const winner = comparison.better === 'candidate' ? me : them;
  const loser = comparison.better === 'candidate' ? them : me;
  const what = comparison.basis === 'skill' ? 'higher skill' : 'lower error';
  return `**${winner} is better than ${loser}** ${on}: ${percent(comparison.by)} ${what}.`;
}

/**
 * The line linking to the registry site: the compare page of the two versions, or the candidate's
 * page when there is nothing to compare with; undefined without a site.
 *
 * @example
 * siteLink('https://octo.github.io/freshet', 'ozone-forest', 4, 3)
 * // 'Side by side on the registry site: [v3 and v4](https://octo.github.io/freshet/models/ozone-forest/compare/v3...v4/).'
 */
export function siteLink(
  siteUrl: string | undefined,
  name: string,
  candidate: number,
  compared: number | undefined,
): string | undefined {
  if (siteUrl === undefined) return undefined;
  const base = siteUrl.replace(/\/+$/, '');
  if (compared === undefined || compared === candidate) {
    return `On the registry site: [v${candidate}](${base}/${versionRoute(name, candidate)}).`;
  }
  const [older, newer] = compared < candidate ? [compared, candidate] : [candidate, compared];
  return `Side by side on the registry site: [v${older} and v${newer}](${base}/${compareRoute(name, candidate, compared)}).`;
}

/**
 * The body in Markdown.
 *
 * @example const body = promotionBody({ candidate, alias: 'staging', current, comparison, validation: [], aliasesPath: 'models/aliases.json' });
 */
export function promotionBody(input: PromotionBodyInput): string {
  const { candidate, comparison } = input;
  const current = input.compared?.manifest;
  const theirs = input.compared?.alias ?? 'production';
  const head = [
    'metric',
    `candidate v${candidate.version}`,
    current === undefined ? `${theirs}: none` : `${theirs} v${current.version}`,
    'change',
    'better',
  ];
  const betterText = (b: 'candidate' | 'current' | undefined) =>
    b === 'candidate' ? 'candidate' : b === 'current' ? theirs : '';
  const value = (x: number | undefined) => (x === undefined ? '–' : formatMetric(x));
  const skillA = persistenceSkill(candidate.metrics);
  const skillB = current === undefined ? undefined : persistenceSkill(current.metrics);
  const rows: string[][] = comparison.metrics.map((m) => [
    m.name,
    value(m.candidate),
    value(m.current),
    m.difference === undefined ? '' : signed(m.difference),
    betterText(m.better),
  ]);
  if (!comparison.metrics.some((m) => m.name === 'skill')) {
    rows.push([
      'skill over persistence',
      value(skillA),
      value(skillB),
      skillA !== undefined && skillB !== undefined ? signed(skillA - skillB) : '',
      skillA !== undefined && skillB !== undefined && skillA !== skillB
        ? betterText(skillA > skillB ? 'candidate' : 'current')
        : '',
    ]);
  }
  const facts = (m: Manifest | undefined): string[] =>
    m === undefined
      ? ['–', '–', '–', '–', '–']
      : [
          `${m.data.start} to ${m.data.end}`,
          String(m.data.rows),
          m.data.station_name ? `${m.data.station_name} (${m.data.station})` : m.data.station,
          m.project.commit ? `\`${m.project.commit.slice(0, 12)}\`` : 'unknown',
          `\`${m.run_id.slice(0, 12)}\``,
        ];
  const a = facts(candidate);
  const b = facts(current);
  const labels = ['data window', 'rows', 'station', 'training commit', 'training run'];
  const validation =
    input.validation === undefined
      ? 'The aliases were not validated before this pull request was opened.'
      : input.validation.length === 0
        ? `✅ Validated: every version named in \`${input.aliasesPath}\` exists and each of its assets matches its sha256.`
        : [
            `❌ Validation failed for \`${input.aliasesPath}\`:`,
            '',
            ...input.validation.map((p) => `- ${escapeCell(p)}`),
          ].join('\n');
  return [
    `## ${promotionTitle(candidate.name, candidate.version, input.alias)}`,
    '',
    `This moves \`${candidate.name}@${input.alias}\` from ${input.current === undefined ? 'nothing' : `v${input.current.version}`} to v${candidate.version} (\`models:/${candidate.name}/${candidate.version}\`). Merging it deploys.`,
    '',
    verdict(input),
    '',
    ...lineAndBlank(siteLink(input.siteUrl, candidate.name, candidate.version, current?.version)),
    '### Metrics',
    '',
    markdownTable(
      [
        { header: head[0] ?? '' },
        { header: head[1] ?? '', align: 'right' },
        { header: head[2] ?? '', align: 'right' },
        { header: head[3] ?? '', align: 'right' },
        { header: head[4] ?? '' },
      ],
      rows,
    ),
    '',
    '### Data and training',
    '',
    markdownTable(
      [{ header: '' }, { header: head[1] ?? '' }, { header: head[2] ?? '' }],
      labels.map((label, i) => [label, a[i] ?? '', b[i] ?? '']),
    ),
    '',
    '### Validation',
    '',
    validation,
    '',
  ].join('\n');
}
