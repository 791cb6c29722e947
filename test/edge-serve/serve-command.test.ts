// End to end: a model trained by the library, published to the local registry (.freshet/registry
// in the working directory) and promoted there, served by `freshet serve` (the installed command,
// as a person runs it), called over HTTP, then stopped with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../actions/cli/parse.ts';
import { FRESHET, freshet } from '../support/freshet-command.ts';
import { childrenOf, isAlive, until } from '../support/processes.ts';
import { publishLocally, trainExample } from './model-fixture.ts';

const NAME = 'ozone-forest';
const ENV = { now: Date.UTC(2026, 0, 1) };
let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'freshet-serve-cmd-'));
  const versions = [1, 2].map((version) =>
    trainExample({ name: NAME, version, hours: 24 * 30, trees: 4, seed: version }),
  );
  await publishLocally(join(cwd, '.freshet', 'registry'), versions, {
    [NAME]: { production: 1, staging: 2 },
  });
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('freshet serve: the grammar', () => {
  it('takes --port (default 8787) and --model', () => {
    expect(parseCommandLine(['serve'], ENV)).toEqual({ name: 'serve', port: 8787 });
    expect(parseCommandLine(['serve', '--port', '0', '--model', NAME], ENV)).toEqual({
      name: 'serve',
      port: 0,
      model: NAME,
    });
    expect(() => parseCommandLine(['serve', '--port', '70000'], ENV)).toThrow(
      '--port "70000" is not a whole number from 0 to 65535',
    );
  });
});

describe('freshet serve', () => {
  let child: ChildProcess;
  let stdout = '';
  let url: URL;

  beforeAll(async () => {
    child = spawn(FRESHET, ['serve', '--port', '0'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const started = await until(() => /^curl .*invocations/m.test(stdout), 60_000);
    if (!started) throw new Error(`freshet serve did not start: ${stdout}`);
    const match = /at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
    if (!match?.[1]) throw new Error(`no URL in ${stdout}`);
    url = new URL(match[1]);
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the URL on 127.0.0.1 and curl lines that work', async () => {
    expect(stdout).toContain(
      `serving the promoted models of ${join(cwd, '.freshet')}/registry at ${url.href}`,
    );
    expect(stdout).toContain(`curl -s ${url.href}models/${NAME}\n`);
    const line = stdout.split('\n').find((l) => l.startsWith('curl -s -X POST')) ?? '';
    const body = /-d '(.*)'$/.exec(line)?.[1] ?? '';
    const response = await fetch(new URL('/invocations', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { predictions: number[] }).predictions).toHaveLength(1);
  });

  it('serves the promoted versions: production by default, staging by alias', async () => {
    const models = (await (await fetch(new URL('/models', url))).json()) as { models: unknown };
    expect(models.models).toEqual([
      { name: NAME, aliases: { production: 1, staging: 2 }, versions: [1, 2] },
    ]);
    const card = await (await fetch(new URL(`/models/${NAME}@staging`, url))).json();
    expect(card).toMatchObject({ name: NAME, version: 2, min_observations: 25 });
    const start = Date.UTC(2014, 5, 1);
    const observations = Array.from({ length: 25 }, (_, i) => ({
      time: new Date(start + i * 3_600_000).toISOString(),
      value: 30 + i / 10,
    }));
    const response = await fetch(new URL(`/models/${NAME}/forecast`, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ observations, horizon: 2 }),
    });
    const forecast = (await response.json()) as { forecast: { time: string }[] };
    expect(forecast).toMatchObject({ model: NAME, version: 1 });
    expect(forecast.forecast.map((f) => f.time)).toEqual([
      '2014-06-02T01:00:00Z',
      '2014-06-02T02:00:00Z',
    ]);
  });

  it('stops on SIGTERM with its status (143) and leaves no workerd behind', async () => {
    const launched = child.pid ?? 0;
    const descendants = (pid: number): number[] =>
      childrenOf(pid).flatMap((c) => [c, ...descendants(c)]);
    const processes = descendants(launched);
    expect(processes.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await until(() => processes.every((pid) => !isAlive(pid)), 10_000)).toBe(true);
  });
});

describe('freshet serve: nothing to serve', () => {
  it('exits 2 saying that no model has been promoted', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'freshet-serve-empty-'));
    try {
      const { code, stderr } = await freshet(['serve', '--port', '0'], empty);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `${join(empty, '.freshet', 'registry', 'aliases.json')} does not exist: no model has been promoted`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
