// A Python project's requirements.txt: into a virtual environment when a package index answers,
// the system's packages otherwise; either way the interpreter and its packages are recorded.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../../actions/lib/toar/migrate.ts';
import { silentLogger } from '../../../../actions/lib/util/logger.ts';
import { trainWith } from '../../../../actions/wiring.ts';
import { createTestDatabase } from '../../../support/database.ts';
import { MODEL_JSON, recordingLogger } from '../runner-project.ts';
import { insertData, insertSeries, insertStation } from '../toar-fixture.ts';

const TRAIN_PY = `
import json, os, sys
out = os.environ['FRESHET_OUTPUT_DIR']
def write(name, value):
    with open(os.path.join(out, name), 'w') as f:
        f.write(value if isinstance(value, str) else json.dumps(value))
write('seen.json', {'prefix': sys.prefix, 'table': os.environ['FRESHET_TRAINING_TABLE']})
write('params.json', {'language': 'python'})
write('metrics.json', {'rmse': 1.5})
with open('model.json') as f:
    write('model.json', f.read())
`;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let work: string;
let station: number;
let index: Server;
let indexUrl: string;

beforeAll(async () => {
  db = await createTestDatabase('runpy');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await migrate(client, silentLogger);
    station = await insertStation(client, '51.5', '-0.1', 'London');
    const series = await insertSeries(client, station, 'o3', 60);
    await insertData(client, series, [
      ['2014-01-01T00:00:00Z', 10],
      ['2014-01-01T01:00:00Z', 11],
    ]);
  } finally {
    await client.end();
  }
  work = await mkdtemp(join(tmpdir(), 'freshet-runpy-'));
  // A "package index" that answers; the requirements need nothing from it.
  index = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
  indexUrl = `http://127.0.0.1:${(index.address() as AddressInfo).port}/simple/`;
});

afterAll(async () => {
  if (index.listening) await new Promise((resolve) => index.close(resolve));
  await db.drop();
  await rm(work, { recursive: true, force: true });
});

async function pythonProject(name: string): Promise<string> {
  const folder = join(work, name);
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, 'freshet-project.yml'),
    `name: ${name}\nentry_points:\n  main:\n    command: python3 train.py\ndata: {variable: o3, station: ${station}, window: PT2H}\n`,
  );
  await writeFile(join(folder, 'requirements.txt'), '# nothing beyond the standard library\n');
  await writeFile(join(folder, 'train.py'), TRAIN_PY);
  await writeFile(join(folder, 'model.json'), MODEL_JSON);
  return folder;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('runTraining with a Python project', () => {
  it('installs requirements.txt into a virtual environment when the index answers, and reuses it offline', async () => {
    const folder = await pythonProject('py-venv');
    const stateDir = join(work, 'state-venv');
    const logger = recordingLogger();
    const result = await trainWith(
      { project: folder, databaseUrl: db.url, packageIndexUrl: indexUrl },
      { logger, stateDir, env: process.env },
    );
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    const seen = JSON.parse(await readFile(join(result.artifactsDir, 'seen.json'), 'utf8'));
    expect(seen.prefix.startsWith(join(stateDir, 'venvs'))).toBe(true);
    expect(result.environment?.python).toMatchObject({
      source: 'venv',
      requirementsSha256: sha256(join(folder, 'requirements.txt')),
    });
    expect(result.environment?.python?.version).toMatch(/^3\.\d+\.\d+/);
    expect(result.metrics).toEqual({ rmse: 1.5 });
    expect(
      logger.lines.some(
        (l) => l.startsWith('info: installing') && l.includes('virtual environment'),
      ),
    ).toBe(true);

    // The index goes away: the environment made earlier still serves.
    await new Promise((resolve) => index.close(resolve));
    const again = recordingLogger();
    const second = await trainWith(
      { project: folder, databaseUrl: db.url, packageIndexUrl: indexUrl },
      { logger: again, stateDir, env: process.env },
    );
    expect(second.status).toBe('succeeded');
    const seenAgain = JSON.parse(await readFile(join(second.artifactsDir, 'seen.json'), 'utf8'));
    expect(seenAgain.prefix).toBe(seen.prefix);
    expect(again.lines).toContain(`info: using the virtual environment ${seen.prefix}`);
  });

  it('uses the system Python and its packages when no index answers, and records them', async () => {
    const folder = await pythonProject('py-system');
    const logger = recordingLogger();
    // Port 9 (discard) refuses at once: offline, as far as pip could tell.
    const offline = 'http://127.0.0.1:9/simple/';
    const result = await trainWith(
      { project: folder, databaseUrl: db.url, packageIndexUrl: offline },
      { logger, stateDir: join(work, 'state-system'), env: process.env },
    );
    expect(result.status).toBe('succeeded');
    expect(logger.lines).toContain(
      `warn: no package index answered at ${offline}: ${join(folder, 'requirements.txt')} is not installed, the system's Python packages serve`,
    );
    const seen = JSON.parse(await readFile(join(result.artifactsDir, 'seen.json'), 'utf8'));
    expect(seen.prefix.includes('state-system')).toBe(false);
    const python = result.environment?.python;
    expect(python?.source).toBe('system');
    expect(Object.keys(python?.packages ?? {})).toContain('pip');
  });
});
