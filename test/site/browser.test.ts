// The built site in headless Chromium: navigation from home to a model, a version and a comparison;
// the charts' marks; the home page's filter; no console errors; no serious accessibility violation
// (axe-core); a screenshot of each page type under test/artifacts/ for people to look at.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SiteServer, serveSite } from '../../actions/lib/site/serve-site.ts';
import { hasChromium, launchChromium } from '../support/browser.ts';
import { presentOrFailInCi } from '../support/ci-requirement.ts';
import { useMigratedDatabase } from '../support/database.ts';
import { buildFixtureSite, FIXTURE_MODELS } from './fixture.ts';

/** Where the screenshots go (ignored by git). */
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../artifacts');

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

describe.runIf(
  presentOrFailInCi(hasChromium, {
    dependency: "Debian's chromium (/usr/bin/chromium)",
    install: 'apt-get install chromium',
  }),
)('the registry site in Chromium', () => {
  const db = useMigratedDatabase('browser');
  let root: string;
  let server: SiteServer;
  let browser: Browser;
  let page: Page;
  /** Console errors and uncaught exceptions of every page visited. */
  const errors: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-browser-'));
    const site = await buildFixtureSite(db.pool, root);
    expect(site.code, site.messages.join('\n')).toBe(0);
    server = await serveSite(site.out, 0);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Serious and critical violations axe-core finds on the current page. */
  async function seriousViolations(): Promise<string[]> {
    await page.addScriptTag({ content: await readFile(AXE, 'utf8') });
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }
      ).axe;
      return (await axe.run()).violations;
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
      );
  }

  async function check(kind: string): Promise<void> {
    expect(await seriousViolations(), `${kind}: ${page.url()}`).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, `site-${kind}.png`), fullPage: true });
  }

  it('goes from home to a model, a version and a comparison', async () => {
    await page.goto(server.url);
    expect(await page.locator('h1').textContent()).toBe('Models');
    await check('home');

    await page.getByRole('link', { name: 'ozone-forest', exact: true }).click();
    await page.waitForURL(/\/models\/ozone-forest\/$/);
    expect(await page.locator('h1').textContent()).toContain('ozone-forest');
    // One point per version in each metric's chart; two lines in the test window's.
    expect(await page.locator('svg#metric-rmse .mark').count()).toBe(3);
    expect(await page.locator('svg#metric-skill .mark').count()).toBe(3);
    expect(await page.locator('svg#predictions-v2 .mark').count()).toBe(2);
    await check('model');

    await page.locator('#version-table').getByRole('link', { name: 'v3', exact: true }).click();
    await page.waitForURL(/\/models\/ozone-forest\/v3\/$/);
    expect(await page.locator('h1').textContent()).toContain('ozone-forest v3');
    expect(await page.locator('svg#predictions-v3 .mark').count()).toBe(2);
    expect(await page.locator('svg#importances-v3 .mark').count()).toBeGreaterThan(5);
    await check('version');

    await page.getByRole('link', { name: 'Compare with v2' }).click();
    await page.waitForURL(/\/models\/ozone-forest\/compare\/v2\.\.\.v3\/$/);
    expect(await page.locator('h1').textContent()).toBe('ozone-forest: v2 and v3');
    // A row per metric of the two versions, and one for skill over persistence.
    const manifest = JSON.parse(
      await readFile(join(root, '.freshet/registry/ozone-forest/3/manifest.json'), 'utf8'),
    );
    expect(await page.locator('#compare-metrics tbody tr').count()).toBe(
      Object.keys(manifest.metrics).length + 1,
    );
    await check('compare');
  });

  it('compares the versions picked on the model page', async () => {
    await page.goto(`${server.url}models/ozone-forest/`);
    await page.locator('select[name="a"]').selectOption('1');
    await page.locator('select[name="b"]').selectOption('3');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/\/compare\/v1\.\.\.v3\/$/);
    expect(await page.locator('h1').textContent()).toBe('ozone-forest: v1 and v3');
  });

  it('filters the models by name, variable and station', async () => {
    await page.goto(server.url);
    const rows = page.locator('#models tbody tr:visible');
    expect(await rows.count()).toBe(FIXTURE_MODELS.length);
    await page.getByLabel('Name').fill('HAIFA');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-name')).toBe('ozone-haifa');
    await expectCount(page, '1 of 3 models');
    await page.getByLabel('Name').fill('');
    await page.getByLabel('Station').selectOption('-33.87,151.21');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-name')).toBe('ozone-quick');
    await page.getByLabel('Station').selectOption('');
    await page.getByLabel('Variable').selectOption('o3');
    expect(await rows.count()).toBe(3);
    await page.getByLabel('Name').fill('no such model');
    expect(await rows.count()).toBe(0);
  });

  it('shows the data: a calendar with the failed day, the stations map, rejections and timings', async () => {
    await page.goto(`${server.url}data/`);
    expect(await page.locator('svg#ingest-calendar .mark').count()).toBe(2);
    expect(await page.locator('svg#ingest-calendar .mark.failed').count()).toBe(1);
    expect(await page.locator('svg#station-map .mark').count()).toBeGreaterThan(10);
    expect(await page.locator('svg#rejected .mark').count()).toBeGreaterThan(0);
    expect(await page.locator('svg#timings .mark').count()).toBeGreaterThan(0);
    await check('data');
  });

  it("answers an unknown page with the site's own 404 page", async () => {
    const response = await page.goto(`${server.url}models/ozone-forest/v99/`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Not found');
    await page.getByRole('link', { name: 'Every model' }).click();
    await page.waitForURL(server.url);
  });

  it('logs no console error on any page', () => {
    // The browser logs the 404 answer above itself; nothing else may be logged.
    expect(errors.filter((e) => !e.startsWith(`${server.url}models/ozone-forest/v99/:`))).toEqual(
      [],
    );
  });
});

async function expectCount(page: Page, text: string): Promise<void> {
  expect(await page.locator('#filters output').textContent()).toBe(text);
}
