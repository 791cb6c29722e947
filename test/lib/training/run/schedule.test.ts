// When a triggered training run is due: the pure decision, its sentence, and its reads against a
// real ops.training_runs (rows written with the runner's own record functions).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import {
  finishRun,
  insertRun,
  type RunStart,
} from '../../../../actions/lib/training/run/run-record.ts';
import {
  backoffMs,
  DEFAULT_TRAIN_EVERY_MS,
  decideTraining,
  describeTrainingDecision,
  isRateLimited,
} from '../../../../actions/lib/training/run/schedule.ts';
import {
  readExperimentName,
  readLatestSucceededRun,
  readRecentFailures,
} from '../../../../actions/lib/training/run/schedule-reads.ts';
import {
  checkTrainingSchedule,
  trainWhenDue,
} from '../../../../actions/lib/training/run/train-when-due.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { rejectsWithUsageError } from '../helpers.ts';
import { writeProject } from '../runner-project.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 24, 12);
const ID_A = `3f2a9c1e${'0'.repeat(24)}`;
const ID_B = `7b04d2aa${'0'.repeat(24)}`;

describe('decideTraining', () => {
  it('always trains a push or a dispatch, without looking at past runs', () => {
    for (const trigger of ['push', 'workflow_dispatch', '']) {
      expect(isRateLimited(trigger)).toBe(false);
      const last = { id: ID_A, startedAt: NOW - HOUR };
      expect(decideTraining({ trigger, everyMs: DAY, now: NOW, last })).toEqual({
        train: true,
        why: 'requested',
        trigger,
      });
    }
  });

  it('trains a data-triggered run of an experiment that never succeeded', () => {
    for (const trigger of ['workflow_run', 'schedule']) {
      expect(isRateLimited(trigger)).toBe(true);
      expect(decideTraining({ trigger, everyMs: DAY, now: NOW, last: undefined })).toEqual({
        train: true,
        why: 'first',
        trigger,
      });
    }
  });

  it('skips while the last success started less than train-every ago, and says when it is due', () => {
    const last = { id: ID_A, startedAt: NOW - DAY + 1 };
    expect(decideTraining({ trigger: 'workflow_run', everyMs: DAY, now: NOW, last })).toEqual({
      train: false,
      why: 'recent',
      trigger: 'workflow_run',
      last,
      nextAt: NOW + 1,
    });
  });

  it('trains again once train-every has passed, to the millisecond', () => {
    const last = { id: ID_A, startedAt: NOW - DAY };
    expect(decideTraining({ trigger: 'schedule', everyMs: DAY, now: NOW, last })).toEqual({
      train: true,
      why: 'elapsed',
      trigger: 'schedule',
      last,
    });
  });

  it('counts a run that started after now (a clock ahead of ours) as recent', () => {
    const last = { id: ID_A, startedAt: NOW + HOUR };
    expect(decideTraining({ trigger: 'workflow_run', everyMs: DAY, now: NOW, last }).train).toBe(
      false,
    );
  });

  it('defaults to once a day', () => {
    expect(DEFAULT_TRAIN_EVERY_MS).toBe(DAY);
  });
});

describe('backing off after failed data-triggered runs', () => {
  it('waits train-every after one failure, doubling with each further one, up to a day', () => {
    expect([1, 2, 3, 4, 5, 6, 60].map((n) => backoffMs(2 * HOUR, n) / HOUR)).toEqual([
      2, 4, 8, 16, 24, 24, 24,
    ]);
    expect([1, 2, 3].map((n) => backoffMs(10 * 60_000, n) / 60_000)).toEqual([10, 20, 40]);
    // A train-every longer than a day is the wait itself: never shorter than train-every.
    expect([1, 2].map((n) => backoffMs(2 * DAY, n) / DAY)).toEqual([2, 2]);
    expect(backoffMs(HOUR, 0)).toBe(0);
  });

  it('skips until the back-off has passed, then trains; a push or dispatch never waits', () => {
    const failures = { count: 3, last: { id: ID_B, startedAt: NOW - 3 * HOUR } };
    // Three failures with train-every 1h: 4h after the latest.
    const facts = { trigger: 'workflow_run', everyMs: HOUR, now: NOW, last: undefined, failures };
    expect(decideTraining(facts)).toEqual({
      train: false,
      why: 'backoff',
      trigger: 'workflow_run',
      failures,
      nextAt: NOW + HOUR,
    });
    expect(decideTraining({ ...facts, now: NOW + HOUR })).toEqual({
      train: true,
      why: 'first',
      trigger: 'workflow_run',
    });
    expect(decideTraining({ ...facts, trigger: 'push' }).train).toBe(true);
    expect(decideTraining({ ...facts, trigger: 'workflow_dispatch' }).train).toBe(true);
    // With an older success too: whichever ends later decides.
    const last = { id: ID_A, startedAt: NOW - 2 * DAY };
    expect(decideTraining({ ...facts, last }).why).toBe('backoff');
    expect(decideTraining({ ...facts, last, now: NOW + HOUR }).why).toBe('elapsed');
  });

  it('says how many failed and when training is due again', () => {
    const failures = { count: 2, last: { id: ID_B, startedAt: NOW - HOUR } };
    const decision = decideTraining({
      trigger: 'schedule',
      everyMs: 6 * HOUR,
      now: NOW,
      last: undefined,
      failures,
    });
    expect(
      describeTrainingDecision(decision, { experiment: 'ozone', everyMs: 6 * HOUR, now: NOW }),
    ).toBe(
      'Not training ozone: its last 2 data-triggered runs failed (the latest, 7b04d2aa, started 2026-11-24T11:00:00Z), so it waits 12h after it (train-every (6h), doubling with each failure, up to a day). Training is due again from 2026-11-24T23:00:00Z; a push to the project or a manual run trains at once.',
    );
  });
});

describe('describeTrainingDecision', () => {
  const context = { experiment: 'ozone-forest', everyMs: DAY, now: NOW };

  it('says why a run trains', () => {
    expect(
      describeTrainingDecision({ train: true, why: 'requested', trigger: 'push' }, context),
    ).toBe('Training ozone-forest: a push run always trains.');
    expect(
      describeTrainingDecision({ train: true, why: 'first', trigger: 'workflow_run' }, context),
    ).toBe('Training ozone-forest: it has no successful run yet.');
    expect(
      describeTrainingDecision(
        {
          train: true,
          why: 'elapsed',
          trigger: 'workflow_run',
          last: { id: ID_A, startedAt: NOW - 30 * HOUR },
        },
        context,
      ),
    ).toBe(
      'Training ozone-forest: its last successful run, 3f2a9c1e, started 2026-11-23T06:00:00Z (30h00m ago), at least train-every (1d) ago.',
    );
  });

  it('says why a run is skipped, when the last success was and when training is due again', () => {
    const last = { id: ID_A, startedAt: NOW - 3 * HOUR };
    expect(
      describeTrainingDecision(
        {
          train: false,
          why: 'recent',
          trigger: 'workflow_run',
          last,
          nextAt: last.startedAt + DAY,
        },
        context,
      ),
    ).toBe(
      'Not training ozone-forest: its last successful run, 3f2a9c1e, started 2026-11-24T09:00:00Z (3h00m ago), less than train-every (1d) ago. ' +
        'Training is due again from 2026-11-25T09:00:00Z; a push to the project or a manual run trains at once.',
    );
  });
});

describe('the schedule against ops.training_runs', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let work: string;

  const start = (id: string, experiment: string, startedAt: number): RunStart => ({
    id,
    deadlineAt: Date.UTC(9000, 0, 1),
    experiment,
    tags: {},
    projectRef: `training/${experiment}`,
    projectCommit: null,
    entryPoint: 'main',
    command: 'node train.ts',
    parameters: {},
    variable: 'o3',
    stationId: null,
    stationName: null,
    stationKey: null,
    startedAt,
  });

  async function record(
    id: string,
    experiment: string,
    startedAt: number,
    status: 'running' | 'succeeded' | 'failed',
  ): Promise<void> {
    await insertRun(client, start(id, experiment, startedAt));
    if (status !== 'running') await finishRun(client, id, { status, finishedAt: startedAt + 1000 });
  }

  beforeAll(async () => {
    db = await createTestDatabase('schedule');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, silentLogger);
    work = await mkdtemp(join(tmpdir(), 'freshet-schedule-test-'));
    // ozone: an old success, a newer success, then a newer failure and one still running.
    await record(`${'1'.repeat(32)}`, 'ozone', NOW - 3 * DAY, 'succeeded');
    await record(ID_A, 'ozone', NOW - 2 * HOUR, 'succeeded');
    await record(`${'2'.repeat(32)}`, 'ozone', NOW - HOUR, 'failed');
    await record(`${'3'.repeat(32)}`, 'ozone', NOW - 60_000, 'running');
    // Another experiment's success is not ozone's.
    await record(ID_B, 'tiny', NOW - 5 * DAY, 'succeeded');
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('counts the failed data-triggered runs since the latest success, not pushed ones', async () => {
    const tagged = async (id: string, startedAt: number, trigger: string) => {
      await insertRun(client, { ...start(id, 'broken', startedAt), tags: { trigger } });
      await finishRun(client, id, { status: 'failed', finishedAt: startedAt + 1000 });
    };
    await record(`${'4'.repeat(32)}`, 'broken', NOW - 10 * HOUR, 'succeeded');
    await tagged(`${'5'.repeat(32)}`, NOW - 11 * HOUR, 'workflow_run');
    await tagged(`${'6'.repeat(32)}`, NOW - 3 * HOUR, 'workflow_run');
    await tagged(`${'7'.repeat(32)}`, NOW - 2 * HOUR, 'push');
    await tagged(`${'8'.repeat(32)}`, NOW - HOUR, 'schedule');
    expect(await readRecentFailures(client, 'broken', NOW - 10 * HOUR)).toEqual({
      count: 2,
      last: { id: '8'.repeat(32), startedAt: NOW - HOUR },
    });
    expect((await readRecentFailures(client, 'broken', undefined))?.count).toBe(3);
    expect(await readRecentFailures(client, 'ozone', undefined)).toBeUndefined();
    const check = await checkTrainingSchedule(
      {
        project: await writeProject(join(work, 'broken'), { name: 'broken' }),
        trigger: 'workflow_run',
        everyMs: HOUR,
      },
      { db: client, env: process.env, now: NOW },
    );
    expect(check.decision).toMatchObject({ train: false, why: 'backoff', nextAt: NOW + HOUR });
  });

  it("reads the experiment's latest successful run, ignoring failed and running ones", async () => {
    expect(await readLatestSucceededRun(client, 'ozone')).toEqual({
      id: ID_A,
      startedAt: NOW - 2 * HOUR,
    });
    expect(await readLatestSucceededRun(client, 'tiny')).toEqual({
      id: ID_B,
      startedAt: NOW - 5 * DAY,
    });
    expect(await readLatestSucceededRun(client, 'never-ran')).toBeUndefined();
  });

  it('reads the experiment name from the project file', async () => {
    const folder = await writeProject(join(work, 'named'), { name: 'ozone' });
    expect(await readExperimentName(folder, { env: process.env })).toBe('ozone');
    const error = await rejectsWithUsageError(
      readExperimentName(join(work, 'absent'), { env: process.env }),
    );
    expect(error.message).toMatch(/^the project folder .*absent does not exist/);
  });

  it('skips a data-triggered run of a project whose experiment succeeded recently', async () => {
    const folder = await writeProject(join(work, 'ozone'), { name: 'ozone' });
    const check = await checkTrainingSchedule(
      { project: folder, trigger: 'workflow_run', everyMs: DAY },
      { db: client, env: process.env, now: NOW },
    );
    expect(check).toEqual({
      experiment: 'ozone',
      decision: {
        train: false,
        why: 'recent',
        trigger: 'workflow_run',
        last: { id: ID_A, startedAt: NOW - 2 * HOUR },
        nextAt: NOW - 2 * HOUR + DAY,
      },
    });
  });

  it('trains a data-triggered run once train-every has passed', async () => {
    const folder = await writeProject(join(work, 'tiny'), { name: 'tiny' });
    const check = await checkTrainingSchedule(
      { project: folder, trigger: 'schedule', everyMs: DAY },
      { db: client, env: process.env, now: NOW },
    );
    expect(check.decision).toMatchObject({ train: true, why: 'elapsed' });
  });

  it('trainWhenDue: skipped while recent, due when only checking, each decision logged', async () => {
    const folder = await writeProject(join(work, 'ozone-due'), { name: 'ozone' });
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const lines: string[] = [];
    const logger = { ...silentLogger, info: (message: string) => lines.push(message) };
    const context = {
      db: pool,
      databaseUrl: db.url,
      logger,
      stateDir: join(work, 'state'),
      env: process.env,
      now: () => NOW,
    };
    try {
      const recent = await trainWhenDue(
        { training: { project: folder }, trigger: 'workflow_run', everyMs: DAY },
        context,
      );
      expect(recent).toMatchObject({
        kind: 'skipped',
        checkedAt: NOW,
        check: { experiment: 'ozone' },
      });
      const asked = await trainWhenDue(
        {
          training: { project: folder },
          trigger: 'workflow_dispatch',
          everyMs: DAY,
          checkOnly: true,
        },
        context,
      );
      expect(asked).toMatchObject({ kind: 'due', check: { decision: { why: 'requested' } } });
      expect(lines).toEqual([
        expect.stringMatching(/^Not training ozone: its last successful run, 3f2a9c1e,/),
        `Training ${folder}: a workflow_dispatch run always trains.`,
      ]);
    } finally {
      await pool.end();
    }
  });

  it('decides a push without reading the project or the database', async () => {
    // A pool connects on its first query: one to a server that is not there fails any read.
    const nowhere = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      const check = await checkTrainingSchedule(
        { project: join(work, 'not-even-there'), trigger: 'push', everyMs: DAY },
        { db: nowhere, env: process.env, now: NOW },
      );
      expect(check).toEqual({
        experiment: undefined,
        decision: { train: true, why: 'requested', trigger: 'push' },
      });
    } finally {
      await nowhere.end();
    }
  });
});
