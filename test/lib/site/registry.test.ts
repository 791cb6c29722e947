// The registry as the site reads it through the registry's local store, and what it leaves out
// (and says) when a version, an artifact or the aliases are bad.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localStore } from '../../../actions/lib/registry/local-store.ts';
import { readRegistry } from '../../../actions/lib/site/registry-snapshot.ts';
import { manifestOf } from './manifest-fixture.ts';

let stateDir: string;
let dir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'freshet-registry-'));
  dir = join(stateDir, 'registry');
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Writes a version folder as the local store lays it out: the files, and a manifest listing them
 * with their sizes and sha256 (unless `manifest` gives its text).
 */
async function version(
  name: string,
  n: number,
  files: Record<string, string>,
  manifest?: string,
): Promise<void> {
  await mkdir(join(dir, name, String(n)), { recursive: true });
  for (const [file, text] of Object.entries(files))
    await writeFile(join(dir, name, String(n), file), text);
  const assets = Object.entries(files).map(([file, text]) => ({
    name: file,
    size: Buffer.byteLength(text),
    sha256: sha256(text),
    content_type: 'text/plain',
  }));
  await writeFile(
    join(dir, name, String(n), 'manifest.json'),
    manifest ?? JSON.stringify(manifestOf({ name, version: n, assets })),
  );
}

describe('readRegistry from the local store', () => {
  it('reads a missing folder as an empty registry', async () => {
    const registry = await readRegistry(localStore(join(stateDir, 'absent')));
    expect(registry.models).toEqual([]);
    expect(registry.problems).toEqual([]);
  });

  it('lists versions in numeric order and ignores other folders', async () => {
    for (const n of [10, 2, 1]) await version('ozone', n, {});
    await mkdir(join(dir, 'ozone', 'tmp'));
    await mkdir(join(dir, 'ozone', '007'));
    const registry = await readRegistry(localStore(stateDir));
    expect(registry.models[0]?.versions.map((v) => v.manifest.version)).toEqual([1, 2, 10]);
    expect(registry.models[0]?.versions[1]?.predictions).toBeUndefined();
    expect(registry.problems).toEqual([]);
  });

  it('reads versions with their artifacts, and leaves out and names what it cannot use', async () => {
    await version('ozone', 1, {
      'predictions.csv': 'time,observed,predicted\n2014-01-02T00:00:00Z,31,29.5\n',
      'feature_importance.json': '[{"feature": "o3_lag0", "importance": 1}]',
      'MODEL_CARD.md': '# Ozone\n',
    });
    await version('ozone', 2, {}, '{"schema": 1');
    await version('ozone', 3, {}, JSON.stringify(manifestOf({ name: 'other', version: 3 })));
    await version('ozone', 4, {
      'predictions.csv': 'when,observed\n',
      'feature_importance.json': '{}',
    });
    // An artifact changed after publishing: it no longer matches its manifest's sha256.
    await version('ozone', 5, { 'predictions.csv': 'time,observed,predicted\n' });
    await writeFile(join(dir, 'ozone', '5', 'predictions.csv'), 'time,observed,predicted\n\n');
    await mkdir(join(dir, 'empty', '1'), { recursive: true });
    await writeFile(
      join(dir, 'aliases.json'),
      '{"ozone": {"production": 1, "staging": 2}, "gone": {"production": 1}}',
    );
    const registry = await readRegistry(localStore(stateDir));
    expect(registry.models.map((m) => [m.name, m.versions.map((v) => v.manifest.version)])).toEqual(
      [['ozone', [1, 4, 5]]],
    );
    const [first, fourth, fifth] = registry.models[0]?.versions ?? [];
    expect(first?.predictions).toEqual([
      { time: '2014-01-02T00:00:00Z', observed: 31, predicted: 29.5 },
    ]);
    expect(first?.importances).toEqual([{ feature: 'o3_lag0', importance: 1 }]);
    expect(first?.card).toBe('# Ozone\n');
    // A bad optional artifact loses its chart, not the version.
    expect(fourth?.predictions).toBeUndefined();
    expect(fourth?.importances).toBeUndefined();
    expect(fifth?.predictions).toBeUndefined();
    const at = (n: number, file: string) => `${dir}/ozone/${n}/${file}`;
    expect(registry.problems).toEqual([
      `${dir}/empty/1/manifest.json is missing: version 1 left out`,
      `${at(2, 'manifest.json')}: models:/ozone/2: its manifest.json is not JSON`,
      'ozone version 2 left out',
      `${at(3, 'manifest.json')}: models:/ozone/3: its manifest says models:/other/3`,
      'ozone version 3 left out',
      `${at(4, 'predictions.csv')}: predictions.csv has no column time, predicted: its first line must name time,observed,predicted`,
      `${at(4, 'feature_importance.json')}: ${at(4, 'feature_importance.json')} must be a list of {"feature", "importance"} objects`,
      `${at(5, 'predictions.csv')}: models:/ozone/5: predictions.csv has 25 bytes, the manifest says 24`,
      'alias ozone@staging names version 2, which the registry lacks',
      'aliases name model gone, which the registry lacks',
    ]);
  });

  it('names every bad alias and leaves the aliases out, not the models', async () => {
    await version('ozone', 1, {});
    await writeFile(
      join(dir, 'aliases.json'),
      '{"ozone": {"production": 0, "staging": "4"}, "x": 3}',
    );
    const registry = await readRegistry(localStore(stateDir));
    expect(registry.models.map((m) => [m.name, m.aliases])).toEqual([['ozone', {}]]);
    expect(registry.problems.at(-1)).toBe('aliases left out');
    expect(registry.problems.slice(0, -1)).toEqual([
      expect.stringMatching(/^ozone\.production: /),
      expect.stringMatching(/^ozone\.staging: /),
      expect.stringMatching(/^x: /),
    ]);
  });
});
