import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PLAN_INPUT_DEFAULTS, parsePlanInputs, run } from '../../actions/plan/main.ts';
import { createTestDatabase } from '../support/database.ts';
import { usageProblems } from '../support/usage-problems.ts';
import { ActionEnvironment } from './action-environment.ts';

const T0 = Date.UTC(2018, 5, 7);
const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 0, 1, 12);
const URL = 'postgres://freshet:s3cret@db.example:5432/toar';

function read(values: Record<string, string>) {
  return (name: string) => values[name] ?? '';
}

const problemsOf = usageProblems;

describe('parsePlanInputs', () => {
  it('reads a scheduled run: since, the defaults, and the clock it is given', () => {
    expect(
      parsePlanInputs(read({ since: '2018-06-07T00:00:00Z', 'database-url': URL }), NOW),
    ).toEqual({
      databaseUrl: URL,
      since: T0,
      chunkMs: HOUR,
      reprocess: 'missing',
      maxChunks: 256,
      settleMs: 30 * 60_000,
      now: NOW,
    });
  });

  it('reads a backfill with every input set', () => {
    const options = parsePlanInputs(
      read({
        since: '2018-06-07',
        until: '2018-06-08T00:00:00Z',
        chunk: '1d',
        reprocess: 'outdated',
        'max-chunks': '10',
        settle: '1h',
        'database-url': URL,
      }),
      NOW,
    );
    expect(options).toMatchObject({
      since: T0,
      until: T0 + 24 * HOUR,
      chunkMs: 24 * HOUR,
      reprocess: 'outdated',
      maxChunks: 10,
      settleMs: HOUR,
    });
  });

  it('reports every problem at once, each naming its input and the fix', () => {
    const problems = problemsOf(() =>
      parsePlanInputs(
        read({
          since: '2018-06-07T00:05:00Z',
          until: 'tomorrow',
          chunk: '7m',
          reprocess: 'some',
          'max-chunks': '1000',
          settle: 'soon',
        }),
        NOW,
      ),
    );
    expect(problems).toEqual([
      "input 'since' 2018-06-07T00:05:00Z is not aligned to 10 minutes: use 2018-06-07T00:00:00Z or 2018-06-07T00:10:00Z",
      expect.stringMatching(/^input 'until' tomorrow is not an ISO 8601 instant/),
      "input 'chunk' 7m is not a multiple of 10 minutes: use 10m",
      expect.stringMatching(
        /^input 'reprocess' "some" is not a reprocess mode: use one of missing, failed, outdated, all/,
      ),
      'input \'max-chunks\' "1000" is not a whole number from 1 to 256 (GitHub runs at most 256 jobs per matrix)',
      expect.stringMatching(/^input 'settle' soon is not a duration/),
      expect.stringMatching(
        /^input 'database-url' is empty: set the repository secret DATABASE_URL/,
      ),
    ]);
  });

  it('refuses a backfill that ends where it starts', () => {
    expect(
      problemsOf(() =>
        parsePlanInputs(
          read({
            since: '2018-06-07T00:00:00Z',
            until: '2018-06-07T00:00:00Z',
            'database-url': URL,
          }),
          NOW,
        ),
      ),
    ).toEqual([
      "input 'until' 2018-06-07T00:00:00Z is not after input 'since' 2018-06-07T00:00:00Z: a backfill needs at least one interval",
    ]);
  });

  it("uses action.yml's defaults for empty inputs", async () => {
    const action = parse(await readFile('actions/plan/action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    for (const [name, value] of Object.entries(PLAN_INPUT_DEFAULTS)) {
      expect(action.inputs[name]?.default, name).toBe(value);
    }
  });
});

describe('the plan action', () => {
  let env: ActionEnvironment;
  beforeAll(async () => {
    env = await ActionEnvironment.create();
  });
  afterAll(async () => {
    await env.dispose();
  });

  it('fails listing every input problem, with the database URL masked before anything is logged', async () => {
    const result = await env.run(run, {
      since: '2018-06-07T00:05:00Z',
      chunk: '7m',
      'database-url': URL,
    });
    expect(result.failed).toBe(true);
    expect(result.commands[0]).toMatchObject({ command: 'add-mask', message: URL });
    expect(result.messages('add-mask')).toContain('s3cret');
    const [error] = result.messages('error');
    expect(error).toContain("The action's inputs need fixing:");
    expect(error).toContain("- input 'since' 2018-06-07T00:05:00Z is not aligned");
    expect(error).toContain("- input 'chunk' 7m is not a multiple of 10 minutes");
    expect(result.outputs).toEqual({});
  });

  describe('against a database', () => {
    let database: { url: string; drop: () => Promise<void> };
    beforeAll(async () => {
      database = await createTestDatabase('plan_action');
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('writes the matrix and count of a backfill, and summarises it', async () => {
      const result = await env.run(run, {
        since: '2018-06-07T00:00:00Z',
        until: '2018-06-07T02:00:00Z',
        chunk: '1h',
        reprocess: 'all',
        'database-url': database.url,
      });
      expect(result.messages('error')).toEqual([]);
      expect(result.failed).toBe(false);
      expect(result.outputs.count).toBe('2');
      expect(JSON.parse(result.outputs.matrix ?? '{}')).toEqual({
        include: [
          { start: '2018-06-07T00:00:00Z', end: '2018-06-07T01:00:00Z' },
          { start: '2018-06-07T01:00:00Z', end: '2018-06-07T02:00:00Z' },
        ],
      });
      expect(result.summary).toContain('2 chunks are due.');
      expect(result.summary).toContain('| 2018-06-07T01:00:00Z | 2018-06-07T02:00:00Z |');
      // Only the mask command itself may carry it: the runner hides it everywhere after that.
      const logged = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
      expect(logged.join('\n')).not.toContain(database.url);
    });

    it('writes an empty matrix and count 0 when nothing is due', async () => {
      // A backfill never plans an interval that has not ended yet.
      const result = await env.run(run, {
        since: '2100-01-01T00:00:00Z',
        until: '2100-01-01T01:00:00Z',
        'database-url': database.url,
      });
      expect(result.failed).toBe(false);
      expect(result.outputs).toEqual({ matrix: '{"include":[]}', count: '0' });
      expect(result.summary).toContain('nothing is due.');
    });

    it('says when it reached max-chunks', async () => {
      const result = await env.run(run, {
        since: '2018-06-07T00:00:00Z',
        until: '2018-06-07T03:00:00Z',
        reprocess: 'all',
        'max-chunks': '2',
        'database-url': database.url,
      });
      expect(result.outputs.count).toBe('2');
      expect(result.messages('notice')).toEqual([
        'The plan holds max-chunks (2) chunks: if more are due, the next run plans them.',
      ]);
    });
  });
});
