// ONNX Runtime's telemetry stays off in what Freshet starts: `freshet publish` of a run without a
// model.onnx makes one and checks it in onnxruntime-node, as a user runs it (HOME a fresh folder,
// nothing of the test's environment), and leaves no telemetry behind. With it on, ONNX Runtime 1.30
// writes its event database under $HOME/.cache/Microsoft/DeveloperTools (seen on this machine).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableOnnxTelemetry } from '../../actions/onnx-telemetry.ts';
import { recordRunFixture } from '../lib/registry/run-fixture.ts';
import { useMigratedDatabase } from '../support/database.ts';
import { freshet } from '../support/freshet-command.ts';

describe('disableOnnxTelemetry', () => {
  it('turns the telemetry off unless the environment says otherwise', () => {
    const unset: NodeJS.ProcessEnv = {};
    disableOnnxTelemetry(unset);
    expect(unset.ORT_DISABLE_TELEMETRY).toBe('1');
    const chosen: NodeJS.ProcessEnv = { ORT_DISABLE_TELEMETRY: '0' };
    disableOnnxTelemetry(chosen);
    expect(chosen.ORT_DISABLE_TELEMETRY).toBe('0');
  });
});

describe('freshet publish making model.onnx', () => {
  const db = useMigratedDatabase('onnx_telemetry');
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'freshet-onnx-telemetry-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('runs onnxruntime with its telemetry off: nothing written under $HOME/.cache', async () => {
    const stateDir = join(work, '.freshet');
    const record = await recordRunFixture(db.pool, stateDir, { withOnnx: false });
    const published = await freshet(
      ['publish', '--run', record.id, '--json'],
      work,
      // The database URL in the environment, as the README has it (not on the command line).
      { DATABASE_URL: db.url },
    );
    expect(published.code, published.stderr).toBe(0);
    expect(published.stderr).toMatch(/made model\.onnx from model\.json: predicts as it does/);
    expect(existsSync(join(stateDir, 'registry', 'ozone-forest', '1', 'model.onnx'))).toBe(true);
    expect(existsSync(join(work, '.cache'))).toBe(false);
  });
});
