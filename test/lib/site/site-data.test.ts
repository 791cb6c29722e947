// The site's data from a registry and a status: headline versions, skill, ages, comparison pairs,
// and the text the pages print (URIs, curl calls, numbers, ages, routes).
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../actions/lib/registry/manifest.ts';
import { better, formatAge, formatMetric } from '../../../actions/lib/site/format.ts';
import type { RegistrySnapshot } from '../../../actions/lib/site/registry-snapshot.ts';
import { compareRoute, under, versionRoute } from '../../../actions/lib/site/routes.ts';
import {
  COMPARED_VERSIONS,
  minObservations,
  PLACEHOLDER_EDGE_URL,
  siteData,
  skillOf,
} from '../../../actions/lib/site/site-data.ts';
import { parseStatusSnapshot } from '../../../actions/lib/site/status-snapshot.ts';
import { forecastCurl, invocationsCurl, modelUris } from '../../../actions/lib/site/usage.ts';
import { manifestOf } from './manifest-fixture.ts';

const DAY = 86_400_000;

function registry(versions: number, aliases: Record<string, number> = {}): RegistrySnapshot {
  return {
    source: '.freshet/registry',
    problems: [],
    models: [
      {
        name: 'ozone',
        aliases,
        versions: Array.from({ length: versions }, (_, i) => ({
          manifest: parseManifest(
            manifestOf({
              name: 'ozone',
              version: i + 1,
              metrics: { rmse: 3 + i, persistence_rmse: 4, custom: i },
            }),
          ),
        })),
      },
    ],
  };
}

const NOW = Date.parse('2014-02-12T02:00:00Z');
const missing = { kind: 'missing', reason: 'none' } as const;

describe('siteData', () => {
  it('leads with production, else the newest version', () => {
    expect(
      siteData(registry(3, { production: 2 }), missing, { now: NOW }).models[0]?.headline,
    ).toBe(2);
    expect(siteData(registry(3), missing, { now: NOW }).models[0]?.headline).toBe(3);
  });

  it('computes skill, ages, aliases, metric order and release links', () => {
    const data = siteData(registry(2, { production: 1, staging: 1 }), missing, {
      now: NOW,
      edgeUrl: 'https://edge.example/',
      repository: 'octo/freshet',
    });
    const model = data.models[0];
    const first = model?.versions[0];
    expect(first?.skill).toBeCloseTo(0.25);
    expect(first?.aliases).toEqual(['production', 'staging']);
    expect(first?.age_days).toBe(2);
    expect(first?.data_age_days).toBeCloseTo(2 + 2 / 24);
    expect(first?.min_observations).toBe(25);
    expect(first?.release_url).toBe('https://github.com/octo/freshet/releases/tag/model/ozone/v1');
    expect(model?.metric_names).toEqual(['rmse', 'persistence_rmse', 'custom']);
    expect(data.edge_url).toBe('https://edge.example');
    expect(data.edge_url_configured).toBe(true);
  });

  it('has a comparison page for every pair of the newest versions only', () => {
    const model = siteData(registry(COMPARED_VERSIONS + 2), missing, { now: NOW }).models[0];
    expect(model?.pairs).toHaveLength((COMPARED_VERSIONS * (COMPARED_VERSIONS - 1)) / 2);
    expect(model?.pairs[0]).toEqual([3, 4]);
    expect(model?.pairs.at(-1)).toEqual([COMPARED_VERSIONS + 1, COMPARED_VERSIONS + 2]);
  });

  it('uses wrangler dev as a placeholder edge, and says so', () => {
    const data = siteData(registry(1), missing, { now: NOW });
    expect(data.edge_url).toBe(PLACEHOLDER_EDGE_URL);
    expect(data.edge_url_configured).toBe(false);
  });
});

describe('skill and observations', () => {
  it('prefers the skill metric, else computes it, else has none', () => {
    expect(skillOf({ skill: 0.1, rmse: 1, persistence_rmse: 2 })).toBe(0.1);
    expect(skillOf({ rmse: 3, persistence_rmse: 4 })).toBe(0.25);
    expect(skillOf({ rmse: 3 })).toBeNull();
    expect(skillOf({ rmse: 3, persistence_rmse: 0 })).toBeNull();
  });

  it('needs the longest lag plus one hour', () => {
    expect(minObservations(['o3_lag0', 'o3_lag24', 'hour_sin'])).toBe(25);
    expect(minObservations(['hour_sin'])).toBe(1);
  });
});

describe('the text of the pages', () => {
  const data = siteData(registry(2, { production: 2 }), missing, {
    now: NOW,
    edgeUrl: 'https://e.x',
  });
  const model = data.models[0];
  const [v1, v2] = model?.versions ?? [];

  it('names a version by number and by alias', () => {
    expect(modelUris('ozone', 2, ['production']).map((u) => u.uri)).toEqual([
      'models:/ozone/2',
      'models:/ozone@production',
    ]);
  });

  it('calls the alias a version holds, else its number, with one row of its inputs', () => {
    if (!model || !v1 || !v2) throw new Error('fixture');
    expect(invocationsCurl(data.edge_url, model, v2)).toBe(
      [
        `curl -s -X POST 'https://e.x/models/ozone@production/invocations' \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d '{"dataframe_split":{"columns":["o3_lag0","o3_lag24"],"data":[[0,0]]}}'`,
      ].join('\n'),
    );
    expect(invocationsCurl(data.edge_url, model, v1)).toContain(
      "'https://e.x/models/ozone/1/invocations'",
    );
  });

  it('asks for a forecast with the hours the lags need, ending where the data ended', () => {
    if (!model || !v1) throw new Error('fixture');
    const body = JSON.parse(/-d '(.*)'$/.exec(forecastCurl(data.edge_url, model, v1))?.[1] ?? '');
    expect(body.horizon).toBe(24);
    expect(body.observations).toHaveLength(25);
    expect(body.observations.at(-1).time).toBe('2014-02-09T23:00:00Z');
  });

  it('writes numbers, ages and which value is better', () => {
    expect(formatMetric(2.345678)).toBe('2.346');
    expect(formatMetric(undefined)).toBe('–');
    expect(formatMetric(0.00001234)).toBe('1.234e-5');
    expect(formatAge(0.1)).toBe('2 hours');
    expect(formatAge(3.2)).toBe('3 days');
    expect(formatAge(400)).toBe('13 months');
    expect(formatAge(-1)).toBe('in the future');
    expect(better('rmse', 3, 2.5)).toBe('b');
    expect(better('val_mae', 2, 2.5)).toBe('a');
    expect(better('r2', 0.8, 0.7)).toBe('a');
    expect(better('skill', 0.1, 0.1)).toBe('same');
    expect(better('rmse', 3, undefined)).toBeUndefined();
    expect(better('rows_test', 187, 211)).toBeUndefined();
  });

  it('routes pages under a base path', () => {
    expect(under('/freshet/', versionRoute('ozone', 3))).toBe('/freshet/models/ozone/v3/');
    expect(compareRoute('ozone', 4, 3)).toBe('models/ozone/compare/v3...v4/');
    expect(versionRoute('a b', 1)).toBe('models/a%20b/v1/');
  });
});

describe('parseStatusSnapshot', () => {
  it('reads an older snapshot without the newer lists as empty ones', () => {
    const status = parseStatusSnapshot(
      JSON.stringify({
        days: [{ day: '2014-01-01', ingested: 1, empty: 0, failed: 0, running: 0, missing: 143 }],
        last_success: null,
        rejected: {},
        variables: [{ variable: 'o3', stations: 1, series: 1 }],
      }),
      's.json',
    );
    expect(status.stations).toEqual([]);
    expect(status.training_runs).toEqual([]);
    expect(status.timings).toEqual([]);
    expect(status.days).toHaveLength(1);
  });

  it('says what is wrong with something else', () => {
    expect(() => parseStatusSnapshot('{"days": {}}', 's.json')).toThrow(
      /s\.json: days must be a list\ns\.json: variables must be a list\ns\.json: rejected must map reasons to counts\ns\.json: last_success must be an instant or null/,
    );
    expect(() => parseStatusSnapshot('nope', 's.json')).toThrow(/freshet status --json > s\.json/);
  });
});

describe('the build clock', () => {
  it('writes when the site was built', () => {
    expect(siteData(registry(1), missing, { now: 3 * DAY }).generated_at).toBe(
      '1970-01-04T00:00:00.000Z',
    );
  });
});
