import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localStore } from '../../../actions/lib/registry/local-store.ts';
import { sampleDraft, storeContract } from './store-contract.ts';

const made: string[] = [];
async function freshStateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-registry-'));
  made.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

storeContract('the local folder store', async () => {
  const stateDir = await freshStateDir();
  return {
    store: localStore(stateDir),
    tamper: async (name, version, asset) => {
      const path = join(stateDir, 'registry', name, String(version), asset);
      await writeFile(path, `${await readFile(path, 'utf8')}!`);
    },
  };
});

describe('the local folder store', () => {
  it('keeps the agreed layout: <stateDir>/registry/<name>/<N>/ and registry/aliases.json', async () => {
    const stateDir = await freshStateDir();
    const store = localStore(stateDir, { now: () => Date.UTC(2026, 10, 29, 12) });
    const manifest = await store.publish(sampleDraft());
    expect(manifest.created_at).toBe('2026-11-29T12:00:00.000Z');
    const folder = join(stateDir, 'registry', 'ozone-forest', '1');
    expect((await readdir(folder)).sort()).toEqual([
      'manifest.json',
      'model.json',
      'model.onnx',
      'predictions.csv',
    ]);
    expect(JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(await readdir(join(stateDir, 'registry', 'ozone-forest'))).toEqual(['1']);

    await store.setAliases({ 'ozone-forest': { staging: 1 } });
    expect(await readFile(join(stateDir, 'registry', 'aliases.json'), 'utf8')).toBe(
      '{\n  "ozone-forest": {\n    "staging": 1\n  }\n}\n',
    );
    expect(await store.aliases()).toEqual({ 'ozone-forest': { staging: 1 } });
  });

  it('leaves no staging folder behind a publish that failed', async () => {
    const stateDir = await freshStateDir();
    const store = localStore(stateDir);
    await store.publish(sampleDraft());
    const draft = sampleDraft();
    const [first, ...others] = draft.assets;
    if (first === undefined) throw new Error('the sample draft has assets');
    const liar = { ...first, read: async () => new TextEncoder().encode('other bytes') };
    await expect(store.publish({ ...draft, assets: [liar, ...others] })).rejects.toThrow(
      'publishing ozone-forest: model.json has 11 bytes',
    );
    expect(await readdir(join(stateDir, 'registry', 'ozone-forest'))).toEqual(['1']);
  });

  it('names the file and every problem of an invalid aliases.json', async () => {
    const stateDir = await freshStateDir();
    const store = localStore(stateDir);
    await store.publish(sampleDraft());
    await writeFile(
      join(stateDir, 'registry', 'aliases.json'),
      '{"ozone-forest": {"production": "3"}}',
    );
    await expect(store.aliases()).rejects.toThrow(
      'aliases.json is invalid: ozone-forest.production: version "3" must be an integer from 1',
    );
  });
});
