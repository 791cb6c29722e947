// The local registry as the site reads it, and what it leaves out (and says) when a version is bad.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { localRegistryReader, parseAliases } from '../../../actions/lib/site/registry-reader.ts';
import { readRegistry } from '../../../actions/lib/site/registry-snapshot.ts';
import { manifestOf } from './manifest-fixture.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-registry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function version(name: string, n: number, files: Record<string, string>): Promise<void> {
  await mkdir(join(dir, name, String(n)), { recursive: true });
  for (const [file, text] of Object.entries(files))
    await writeFile(join(dir, name, String(n), file), text);
}

const manifest = (name: string, n: number) => JSON.stringify(manifestOf({ name, version: n }));

describe('parseAliases', () => {
  it('reads model → alias → version', () => {
    expect(parseAliases('{"ozone": {"production": 3, "staging": 4}}', 'a.json')).toEqual({
      ozone: { production: 3, staging: 4 },
    });
  });

  it('names every bad entry', () => {
    expect(() =>
      parseAliases('{"ozone": {"production": 0, "staging": "4"}, "x": 3}', 'a.json'),
    ).toThrow(
      new UsageError([
        'a.json: ozone.production must be a version number, got 0',
        'a.json: ozone.staging must be a version number, got "4"',
        'a.json: x must map alias names to versions, got 3',
      ]),
    );
  });
});

describe('localRegistryReader', () => {
  it('reads a missing folder as an empty registry', async () => {
    const reader = localRegistryReader(join(dir, 'absent'));
    expect(await reader.models()).toEqual([]);
    expect(await reader.aliases()).toEqual({});
  });

  it('lists versions in numeric order and ignores other folders', async () => {
    for (const n of [10, 2, 1])
      await version('ozone', n, { 'manifest.json': manifest('ozone', n) });
    await mkdir(join(dir, 'ozone', 'tmp'));
    await mkdir(join(dir, 'ozone', '007'));
    const reader = localRegistryReader(dir);
    expect(await reader.versions('ozone')).toEqual([1, 2, 10]);
    expect(await reader.text('ozone', 2, 'absent.csv')).toBeUndefined();
  });
});

describe('readRegistry', () => {
  it('reads versions with their artifacts, and leaves out and names what it cannot use', async () => {
    await version('ozone', 1, {
      'manifest.json': manifest('ozone', 1),
      'predictions.csv': 'time,observed,predicted\n2014-01-02T00:00:00Z,31,29.5\n',
      'feature_importance.json': '[{"feature": "o3_lag0", "importance": 1}]',
      'MODEL_CARD.md': '# Ozone\n',
    });
    await version('ozone', 2, { 'manifest.json': '{"schema": 1' });
    await version('ozone', 3, { 'manifest.json': manifest('other', 3) });
    await version('ozone', 4, {
      'manifest.json': manifest('ozone', 4),
      'predictions.csv': 'when,observed\n',
      'feature_importance.json': '{}',
    });
    await version('empty', 1, {});
    await writeFile(
      join(dir, 'aliases.json'),
      '{"ozone": {"production": 1, "staging": 2}, "gone": {"production": 1}}',
    );
    const registry = await readRegistry(localRegistryReader(dir));
    expect(registry.models.map((m) => [m.name, m.versions.map((v) => v.manifest.version)])).toEqual(
      [['ozone', [1, 4]]],
    );
    const [first, fourth] = registry.models[0]?.versions ?? [];
    expect(first?.predictions).toEqual([
      { time: '2014-01-02T00:00:00Z', observed: 31, predicted: 29.5 },
    ]);
    expect(first?.importances).toEqual([{ feature: 'o3_lag0', importance: 1 }]);
    expect(first?.card).toBe('# Ozone\n');
    // A bad optional artifact loses its chart, not the version.
    expect(fourth?.predictions).toBeUndefined();
    expect(fourth?.importances).toBeUndefined();
    const at = (n: number, file: string) => `${dir}/ozone/${n}/${file}`;
    expect(registry.problems).toEqual([
      `${dir}/empty/1/manifest.json is missing: version 1 left out`,
      expect.stringMatching(new RegExp(`^${at(2, 'manifest.json')} is not valid JSON`)),
      'ozone version 2 left out',
      `${at(3, 'manifest.json')} names other v3: version 3 left out`,
      `${at(4, 'predictions.csv')}: predictions.csv has no column time, predicted: its first line must name time,observed,predicted`,
      `${at(4, 'feature_importance.json')}: ${at(4, 'feature_importance.json')} must be a list of {"feature", "importance"} objects`,
      'alias ozone@staging names version 2, which the registry lacks',
      'aliases name model gone, which the registry lacks',
    ]);
  });
});
