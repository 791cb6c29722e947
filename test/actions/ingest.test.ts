import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  INGEST_INPUT_DEFAULTS,
  ingestOutputs,
  parseIngestInputs,
  run,
} from '../../actions/ingest/main.ts';
import type { IngestReport } from '../../actions/lib/ingest/types.ts';
import { createTestDatabase } from '../support/database.ts';
import { placeObject, sampleText } from '../support/sample-layout.ts';
import { usageProblems } from '../support/usage-problems.ts';
import { ActionEnvironment } from './action-environment.ts';

const T0 = Date.UTC(2018, 5, 7);
const TEN_MINUTES = 600_000;
const URL = 'postgres://freshet:s3cret@db.example:5432/toar';
const RUNNER = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo-org/freshet',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
};

function read(values: Record<string, string>) {
  return (name: string) => values[name] ?? '';
}

const problemsOf = usageProblems;

describe('parseIngestInputs', () => {
  it("reads a matrix entry with OpenAQ's defaults, and records the run's address", () => {
    expect(
      parseIngestInputs(
        read({ start: '2018-06-07T00:00:00Z', end: '2018-06-07T01:00:00Z', 'database-url': URL }),
        RUNNER,
      ),
    ).toEqual({
      start: T0,
      end: T0 + 6 * TEN_MINUTES,
      source: 's3://openaq-data-archive/records/csv.gz/',
      databaseUrl: URL,
      region: 'us-east-1',
      anonymous: true,
      concurrency: 3,
      maxObjectBytes: 2 ** 31,
      maxIntervals: 50_000,
      layout: 'auto',
      runUrl: 'https://github.com/octo-org/freshet/actions/runs/42/attempts/1',
      labels: { source: "input 'source'", maxIntervals: "input 'max-intervals'" },
    });
  });

  it('reads another source, endpoint and credentials', () => {
    const options = parseIngestInputs(
      read({
        start: '2018-06-07T00:00:00Z',
        end: '2018-06-07T00:10:00Z',
        source: 's3://my-mirror/realtime-gzipped/',
        region: 'eu-central-1',
        endpoint: 'http://127.0.0.1:4568',
        anonymous: 'false',
        concurrency: '8',
        'database-url': URL,
      }),
      {},
    );
    expect(options).toMatchObject({
      source: 's3://my-mirror/realtime-gzipped/',
      region: 'eu-central-1',
      endpoint: 'http://127.0.0.1:4568',
      anonymous: false,
      concurrency: 8,
    });
    expect(options).not.toHaveProperty('runUrl');
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(() =>
      parseIngestInputs(
        read({
          start: '2018-06-07T00:03:00Z',
          source: 'https://example.com/fetches',
          endpoint: 'localhost:4568',
          anonymous: 'maybe',
          concurrency: '0',
        }),
        RUNNER,
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^input 'start' 2018-06-07T00:03:00Z is not aligned to 10 minutes/),
      expect.stringMatching(/^input 'end' "" is not an ISO 8601 instant/),
      `input 'source' "https://example.com/fetches" is neither s3://bucket/prefix/ nor file:///path/`,
      expect.stringMatching(/^input 'database-url' is empty/),
      `input 'endpoint' "localhost:4568" is not an http:// or https:// URL`,
      `input 'anonymous' "maybe" is not a boolean: use true or false`,
      `input 'concurrency' "0" is not a whole number from 1 to 16`,
    ]);
  });

  it('refuses a chunk that ends before it starts', () => {
    expect(
      problemsOf(() =>
        parseIngestInputs(
          read({ start: '2018-06-07T01:00:00Z', end: '2018-06-07T00:00:00Z', 'database-url': URL }),
          {},
        ),
      ),
    ).toEqual([
      "input 'end' 2018-06-07T00:00:00Z is not after input 'start' 2018-06-07T01:00:00Z: a chunk holds at least one interval",
    ]);
  });

  it("uses action.yml's defaults for empty inputs", async () => {
    const action = parse(await readFile('actions/ingest/action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    for (const [name, value] of Object.entries(INGEST_INPUT_DEFAULTS)) {
      expect(action.inputs[name]?.default, name).toBe(value);
    }
  });
});

describe('ingestOutputs', () => {
  it("gives the report's counts and the whole report as JSON", () => {
    const report: IngestReport = {
      intervals: 1,
      objects: 2,
      objects_skipped: 0,
      objects_failed: 1,
      objects_misfiled: 0,
      objects_unchanged: 0,
      lines: 10,
      accepted: 7,
      rejected: { 'bad-json': 1, 'no-coordinates': 2 },
      stations_created: 1,
      series_created: 1,
      rows_inserted: 7,
      rows_updated: 0,
      seconds: 0.5,
      failures: [{ key: 'k', interval: '2018-06-07T00:00:00Z', error: 'e' }],
    };
    const outputs = ingestOutputs(report);
    expect(outputs).toMatchObject({ objects: '2', accepted: '7', rejected: '3', failed: '1' });
    expect(JSON.parse(outputs.json)).toEqual(report);
  });
});

describe('the ingest action', () => {
  let env: ActionEnvironment;
  beforeAll(async () => {
    env = await ActionEnvironment.create();
  });
  afterAll(async () => {
    await env.dispose();
  });

  it('fails listing every input problem, with the database URL masked first', async () => {
    const result = await env.run(run, { start: 'now', 'database-url': URL });
    expect(result.failed).toBe(true);
    expect(result.commands[0]).toMatchObject({ command: 'add-mask', message: URL });
    const [error] = result.messages('error');
    expect(error).toContain("- input 'start' now is not an ISO 8601 instant");
    expect(error).toContain('- input \'end\' "" is not an ISO 8601 instant');
    expect(error).not.toContain('s3cret');
    expect(result.outputs).toEqual({});
  });
});

// The real library, database and sample: the end-to-end test of the action.
describe('the ingest action on a real fetch', () => {
  let env: ActionEnvironment;
  let database: { url: string; drop: () => Promise<void> };
  let root: string;
  beforeAll(async () => {
    env = await ActionEnvironment.create();
    database = await createTestDatabase('ingest_action');
    root = await mkdtemp(join(tmpdir(), 'freshet-ingest-action-'));
    // The 2018-06-07 sample, placed as the fetch of 00:01 UTC that day.
    await placeObject(root, T0 + 60_000, await sampleText('2018-06-07.ndjson'));
  });
  afterAll(async () => {
    await env?.dispose();
    await database?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('loads it, writes the counts, annotates the rejections and summarises the run', async () => {
    const result = await env.run(
      run,
      {
        start: '2018-06-07T00:00:00Z',
        end: '2018-06-07T00:10:00Z',
        source: pathToFileURL(root).href,
        'database-url': database.url,
      },
      RUNNER,
    );
    expect(result.messages('error')).toEqual([]);
    expect(result.failed).toBe(false);
    const report = JSON.parse(result.outputs.json ?? '{}') as IngestReport;
    expect(result.outputs).toMatchObject({ objects: '1', failed: '0' });
    expect(Number(result.outputs.accepted) + Number(result.outputs.rejected)).toBe(7_444);
    expect(report.lines).toBe(7_444);
    // 1,559 records of the sample have no coordinates.
    expect(report.rejected['no-coordinates']).toBe(1_559);
    expect(result.commands).toContainEqual({
      command: 'warning',
      properties: { title: 'Rejected lines' },
      message: expect.stringMatching(/^[\d,]+ of 7,444 lines rejected: .*no-coordinates 1,559/),
    });
    expect(result.summary).toContain('## Ingest [2018-06-07T00:00:00Z, 2018-06-07T00:10:00Z)');
    expect(result.summary).toContain('| lines | 7,444 |');
    expect(result.summary).toMatch(/\| no-coordinates \| 1,559 \| 20\.9 % \|/);
    expect(result.summary).toContain('Every object was loaded.');
  });

  it('fails the step, after writing outputs and summary, when an object cannot be loaded', async () => {
    // A truncated gzip (an upload cut short): the object fails, its neighbours do not.
    const truncated = gzipSync(await sampleText('2018-06-07.ndjson')).subarray(0, 2_000);
    await mkdir(join(root, '2018-06-07'), { recursive: true });
    await writeFile(join(root, '2018-06-07', `${(T0 + 11 * 60_000) / 1000}.ndjson.gz`), truncated);
    const result = await env.run(
      run,
      {
        start: '2018-06-07T00:10:00Z',
        end: '2018-06-07T00:20:00Z',
        source: pathToFileURL(root).href,
        'database-url': database.url,
      },
      RUNNER,
    );
    expect(result.failed).toBe(true);
    expect(result.outputs.failed).toBe('1');
    expect(result.messages('error')).toEqual(['1 object could not be loaded: see the job summary']);
    expect(result.commands).toContainEqual(
      expect.objectContaining({ command: 'warning', properties: { title: 'Object not loaded' } }),
    );
    expect(result.summary).toContain('### Failed objects');
    expect(result.summary).toContain('1528330260.ndjson.gz');
  });
});
