// .github/workflows/site.yml: builds on promotion, on the site's changes, daily and on demand, and
// only its deploy job may write Pages. (Every workflow's common checks: test/workflows/.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  needs?: string;
  environment?: { name?: string };
  env?: Record<string, string>;
  steps?: Step[];
}
const wf = parse(readFileSync('.github/workflows/site.yml', 'utf8')) as {
  on: {
    push?: { branches?: string[]; paths?: string[] };
    schedule?: { cron: string }[];
    workflow_dispatch?: unknown;
  };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};

describe('site.yml', () => {
  it('builds when a promotion is merged, daily and on demand', () => {
    expect(wf.on.push?.branches).toEqual(['main']);
    expect(wf.on.push?.paths).toContain('models/aliases.json');
    expect(wf.on.schedule).toHaveLength(1);
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  it('grants pages: write and id-token: write to the deploy job alone', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    // The build reads the Pages settings only (its first step, the doctor, checks Pages is on).
    expect(wf.jobs.build?.permissions).toEqual({ contents: 'read', pages: 'read' });
    expect(wf.jobs.deploy?.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(wf.jobs.deploy?.needs).toBe('build');
    expect(wf.jobs.deploy?.environment?.name).toBe('github-pages');
  });

  it('builds with freshet site build and deploys with the Pages actions', () => {
    const build = wf.jobs.build?.steps ?? [];
    const run = build.map((s) => s.run ?? '').join('\n');
    expect(run).toContain('npx freshet status --json > status.json');
    expect(run).toMatch(/npx freshet site build --store github --out _site --status status\.json/);
    const upload = build.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload?.with?.path).toBe('_site');
    expect(wf.jobs.deploy?.steps?.[0]?.uses).toMatch(/^actions\/deploy-pages@[0-9a-f]{40}$/);
  });

  it('gives --store github the job token and the repository, and the database address to one step', () => {
    const steps = wf.jobs.build?.steps ?? [];
    const build = steps.find((s) => s.run?.includes('freshet site build'));
    expect(build?.env?.GITHUB_TOKEN).toBe(`\${{ github.token }}`);
    expect(build?.run).toContain('--repository "$GITHUB_REPOSITORY"');
    expect(build?.env).not.toHaveProperty('DATABASE_URL');
    const snapshot = steps.find((s) => s.run?.includes('freshet status --json'));
    expect(snapshot?.env?.DATABASE_URL).toBe(`\${{ secrets.DATABASE_URL }}`);
    expect(snapshot?.if).toBe("env.HAS_DATABASE == 'true'");
    const secretSteps = steps.filter((s) => JSON.stringify(s).includes('secrets.'));
    expect(secretSteps).toEqual([snapshot]);
    expect(wf.jobs.build?.env).toEqual({ HAS_DATABASE: `\${{ secrets.DATABASE_URL != '' }}` });
  });
});
