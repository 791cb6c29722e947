// `freshet site build` on a registry of trained models and a status snapshot read from a real
// database: which pages exist and what they say.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../actions/cli/run.ts';
import { testShell } from '../support/cli-shell.ts';
import { useMigratedDatabase } from '../support/database.ts';
import {
  BROKEN_VERSION,
  buildFixtureSite,
  FAILED_DAY,
  FIXTURE_EDGE_URL,
  FIXTURE_MODELS,
  FIXTURE_NOW,
  FIXTURE_REPOSITORY,
  type FixtureSite,
  INGESTED_DAY,
  writeFixtureRegistry,
} from './fixture.ts';

/** A page's text without tags, whitespace collapsed, entities of the pages decoded. */
function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ');
}

/** The marks (class `mark`) of the chart whose svg has this id. */
function marksOf(html: string, id: string): number {
  const start = html.indexOf(`<svg class="chart" id="${id}"`);
  if (start < 0) return -1;
  const svg = html.slice(start, html.indexOf('</svg>', start));
  return svg.match(/class="mark\b/g)?.length ?? 0;
}

describe('freshet site build', () => {
  const db = useMigratedDatabase('site');
  let root: string;
  let site: FixtureSite;
  const page = (route: string) => readFile(join(site.out, route, 'index.html'), 'utf8');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-site-'));
    site = await buildFixtureSite(db.pool, root);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes every page as <route>/index.html and says how many', () => {
    expect(site.code, site.messages.join('\n')).toBe(0);
    expect(site.out_lines.at(-1)).toMatch(/^wrote 13 pages \(3 models, \d+ bytes\) to .*\/site$/);
  });

  it('names the version it left out, and builds the rest', async () => {
    expect(site.messages).toContain(
      `warning: ${site.stateDir}/registry/${BROKEN_VERSION.name}/${BROKEN_VERSION.version}/manifest.json is missing: version ${BROKEN_VERSION.version} left out`,
    );
    expect(textOf(await page(''))).toContain(`version ${BROKEN_VERSION.version} left out`);
  });

  it('lists every model on the home page, promoted or not, with aliases and metrics', async () => {
    const html = await page('');
    const text = textOf(html);
    for (const model of FIXTURE_MODELS) {
      expect(html).toContain(`href="/models/${model.name}/"`);
      expect(html).toContain(`data-name="${model.name}"`);
    }
    // ozone-forest: production v2, staging v3; its headline is production's.
    const manifest = JSON.parse(
      await readFile(join(site.stateDir, 'registry/ozone-forest/2/manifest.json'), 'utf8'),
    );
    const rmse = String(Number(manifest.metrics.rmse.toPrecision(4)));
    expect(text).toMatch(
      new RegExp(`ozone-forest v2 v3 3 o3 31\\.731,35\\.2741 ${rmse.replace('.', '\\.')} `),
    );
    // ozone-haifa has no alias: dashes in both columns.
    expect(text).toMatch(/ozone-haifa – – 1 o3 32\.7940,34\.9896 /);
    // Published 3 hours after its data (40 days) ended, built on day 46.
    expect(text).toMatch(/ozone-forest v2 v3 3 o3 .* 5 days 6 days ozone-haifa/);
  });

  it('shows a model: its versions newest first with links, badges and a chart per metric', async () => {
    const html = await page('models/ozone-forest');
    const text = textOf(html);
    expect(text).toMatch(/v3 staging .* v2 production .* v1 /);
    expect(html).toContain(
      `href="https://github.com/${FIXTURE_REPOSITORY}/releases/tag/model/ozone-forest/v3"`,
    );
    expect(html).toContain('href="https://github.com/example/freshet/actions/runs/1003"');
    for (const metric of ['rmse', 'mae', 'r2', 'persistence_rmse', 'skill']) {
      expect(marksOf(html, `metric-${metric}`), metric).toBe(3);
    }
    expect(html).toContain('<text class="axis-title" transform="translate(14');
    expect(text).toContain('rmse (ppb)');
    // The headline (production) version's test window: two lines.
    expect(marksOf(html, 'predictions-v2')).toBe(2);
    expect(html).toContain('href="/models/ozone-forest/compare/v1...v2/"');
  });

  it('shows a version: metrics, data, importances, parameters, model card and how to call it', async () => {
    const html = await page('models/ozone-forest/v3');
    const text = textOf(html);
    const manifest = JSON.parse(
      await readFile(join(site.stateDir, 'registry/ozone-forest/3/manifest.json'), 'utf8'),
    );
    expect(text).toContain(`rows ${manifest.data.rows}`);
    expect(text).toContain(manifest.project.commit);
    expect(marksOf(html, 'predictions-v3')).toBe(2);
    expect(marksOf(html, 'importances-v3')).toBe(manifest.signature.inputs.length);
    expect(text).toContain('n_estimators 14');
    expect(text).toContain('models:/ozone-forest/3');
    expect(text).toContain('models:/ozone-forest@staging');
    expect(text).toContain(
      `curl -s -X POST '${FIXTURE_EDGE_URL}/models/ozone-forest@staging/invocations'`,
    );
    expect(text).toContain(`curl -s -X POST '${FIXTURE_EDGE_URL}/models/ozone-forest/forecast'`);
    // The forecast example carries the 25 hours the lags need, from the test window.
    const body = /forecast' \\ -H 'Content-Type: application\/json' \\ -d '(\{.*?\})'/.exec(
      text,
    )?.[1];
    const forecast = JSON.parse(body ?? '{}');
    expect(forecast.observations).toHaveLength(25);
    expect(forecast.horizon).toBe(24);
    expect(text).toContain('Compare with v2');
  });

  it('says when a version has no predictions, instead of a chart', async () => {
    const html = await page('models/ozone-haifa/v1');
    expect(textOf(html)).toContain('This version has no predictions of its test window');
    expect(html).not.toContain('id="predictions-v1"');
    expect(marksOf(html, 'importances-v1')).toBeGreaterThan(0);
  });

  it('compares two versions side by side, marking the better metric and differing parameters', async () => {
    const html = await page('models/ozone-forest/compare/v2...v3');
    const text = textOf(html);
    expect(text).toContain('ozone-forest: v2 and v3');
    expect(text).toMatch(/n_estimators 10 14 yes/);
    expect(text).toMatch(/seed 2 3 yes/);
    expect(text).toMatch(/test_fraction 0\.2 0\.2 (?!yes)/);
    expect(html.match(/class="num better"/g)?.length).toBeGreaterThan(0);
    expect(text).toContain('Their data windows differ');
  });

  it('shows ingestion health with the failed day highlighted, rejections, stations and timings', async () => {
    const html = await page('data');
    const text = textOf(html);
    // Two days in the calendar; the second has the failed interval.
    expect(marksOf(html, 'ingest-calendar')).toBe(2);
    expect(html).toMatch(new RegExp(`class="mark failed" data-day="${FAILED_DAY}"`));
    expect(html).toMatch(new RegExp(`class="mark" data-day="${INGESTED_DAY}"`));
    expect(text).toContain(`${FAILED_DAY}: 1 failed of 144`);
    const status = JSON.parse(await readFile(join(root, 'status.json'), 'utf8'));
    expect(status.stations.length).toBeGreaterThan(10);
    expect(marksOf(html, 'station-map')).toBe(status.stations.length);
    expect(marksOf(html, 'rejected')).toBeGreaterThan(0);
    expect(marksOf(html, 'timings')).toBeGreaterThan(0);
    expect(text).toMatch(/o3 \d+ \d+ 2014-01-0\d/);
  });

  it('keeps every page light: under 200 KB with its styles and scripts', async () => {
    const { readdir, stat } = await import('node:fs/promises');
    const files = (await readdir(site.out, { recursive: true })) as string[];
    const scripts = files.filter((f) => f.endsWith('.js') || f.endsWith('.css'));
    let shared = 0;
    for (const f of scripts) shared += (await stat(join(site.out, f))).size;
    for (const f of files.filter((f) => f.endsWith('index.html'))) {
      const size = (await stat(join(site.out, f))).size + shared;
      expect(size, f).toBeLessThan(200_000);
    }
  });
});

describe('freshet site build without a status snapshot', () => {
  const db = useMigratedDatabase('sitedb');
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-site-bare-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const shellIn = (stateDir: string) => {
    const { shell, out: lines, messages } = testShell(stateDir, { now: FIXTURE_NOW });
    return { shell, lines, messages };
  };

  it('builds pages that say there is no status, and uses the default folder', async () => {
    const stateDir = join(root, '.freshet');
    await writeFixtureRegistry(stateDir);
    const { shell, lines, messages } = shellIn(stateDir);
    expect(
      await run(['site', 'build', '--status', join(root, 'absent.json')], shell),
      messages.join('\n'),
    ).toBe(0);
    expect(lines.at(-1)).toContain(`to ${join(stateDir, 'site')}`);
    expect(messages.some((m) => m.includes('absent.json cannot be read (ENOENT)'))).toBe(true);
    const data = textOf(await readFile(join(stateDir, 'site/data/index.html'), 'utf8'));
    expect(data).toContain('No status snapshot: the status snapshot');
    const home = textOf(await readFile(join(stateDir, 'site/index.html'), 'utf8'));
    // Without --edge-url the examples call wrangler dev's address and say so.
    const version = textOf(
      await readFile(join(stateDir, 'site/models/ozone-quick/v1/index.html'), 'utf8'),
    );
    expect(version).toContain('No edge URL was configured');
    expect(version).toContain(
      "curl -s -X POST 'http://127.0.0.1:8787/models/ozone-quick@production/invocations'",
    );
    expect(home).toContain('3 models');
  });

  it('builds a site for an empty registry that says how to fill it', async () => {
    const { shell, messages } = shellIn(join(root, 'empty'));
    expect(await run(['site', 'build'], shell), messages.join('\n')).toBe(0);
    const home = textOf(await readFile(join(root, 'empty/site/index.html'), 'utf8'));
    expect(home).toContain('The registry holds no model yet');
    const data = textOf(await readFile(join(root, 'empty/site/data/index.html'), 'utf8'));
    expect(data).toContain('there is no database');
  });

  it('builds under a base path, as a GitHub Pages project site', async () => {
    const stateDir = join(root, '.freshet');
    const { shell, messages } = shellIn(stateDir);
    const out = join(root, 'based');
    expect(
      await run(['site', 'build', '--base', 'freshet', '--out', out], shell),
      messages.join('\n'),
    ).toBe(0);
    const home = await readFile(join(out, 'index.html'), 'utf8');
    expect(home).toContain('href="/freshet/models/ozone-forest/"');
    expect(home).toContain('href="/freshet/data/"');
  });

  it('reads the status from the database it is given, or says it could not', async () => {
    const stateDir = join(root, '.freshet');
    const { shell, messages } = shellIn(stateDir);
    const out = join(root, 'from-db');
    expect(
      await run(['site', 'build', '--database-url', db.url, '--out', out], shell),
      messages.join('\n'),
    ).toBe(0);
    const data = textOf(await readFile(join(out, 'data/index.html'), 'utf8'));
    expect(data).toContain('From the database.');
    expect(data).toContain('No interval has been attempted yet.');

    const closed = db.url.replace(/:\d+\//, ':1/');
    const failed = shellIn(stateDir);
    expect(await run(['site', 'build', '--database-url', closed, '--out', out], failed.shell)).toBe(
      0,
    );
    expect(
      failed.messages.some((m) =>
        /^warning: the database could not be read \(.*\): the data pages say so$/.test(m),
      ),
    ).toBe(true);
    expect(textOf(await readFile(join(out, 'data/index.html'), 'utf8'))).toContain(
      'No status snapshot: the database could not be read',
    );
  });
});
