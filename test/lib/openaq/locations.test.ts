import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { parseLocations, parseLocationsFile } from '../../../actions/lib/openaq/locations.ts';
import {
  detectLayout,
  LOCATIONS_CACHE_MS,
  resolveLocations,
} from '../../../actions/lib/openaq/resolve-locations.ts';
import { folderStorage } from '../../../actions/lib/openaq/source-folder.ts';

describe('parseLocations', () => {
  it('reads ids, @file and all', () => {
    expect(parseLocations('2178,8118', '--locations')).toEqual({ kind: 'ids', ids: [2178, 8118] });
    expect(parseLocations(' 2178, 8118 2178 ', '--locations')).toEqual({
      kind: 'ids',
      ids: [2178, 8118],
    });
    expect(parseLocations('@config/locations.txt', '--locations')).toEqual({
      kind: 'file',
      path: 'config/locations.txt',
    });
    expect(parseLocations('all', '--locations')).toEqual({ kind: 'all' });
  });

  it.each(['', '2178,x', '0', '02178', '@', '-5', '1e3'])('refuses %j, naming the flag', (text) => {
    expect(() => parseLocations(text, '--locations')).toThrow(UsageError);
    expect(() => parseLocations(text, '--locations')).toThrow(/--locations/);
  });
});

describe('parseLocationsFile', () => {
  it('takes one id per line, with # comments and blank lines', () => {
    expect(parseLocationsFile('# Albuquerque\n2178\r\n\n  8118  # Delhi\n2178\n', 'l.txt')).toEqual(
      [2178, 8118],
    );
  });

  it('names every bad line, and an empty file', () => {
    expect(() => parseLocationsFile('2178\nDelhi\n8118,1\n', 'l.txt')).toThrow(
      /l\.txt line 2: "Delhi".*\n?.*l\.txt line 3/s,
    );
    expect(() => parseLocationsFile('# nothing\n', 'l.txt')).toThrow(/holds no location id/);
  });
});

describe('resolving locations and telling layouts apart', () => {
  let root: string;
  let archiveUrl: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-locations-'));
    for (const folder of [
      'archive/locationid=8118',
      'archive/locationid=2178',
      'archive/other',
      'realtime/2018-06-07',
      'empty',
    ]) {
      await mkdir(join(root, folder), { recursive: true });
    }
    await writeFile(join(root, 'ids.txt'), '2178\n# 8118\n');
    archiveUrl = pathToFileURL(join(root, 'archive')).toString();
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const readText = (path: string) =>
    import('node:fs/promises').then((fs) => fs.readFile(path, 'utf8'));

  it('reads @file, relative to where the shell reads files', async () => {
    const storage = folderStorage(archiveUrl);
    const ids = await resolveLocations(
      { kind: 'file', path: join(root, 'ids.txt') },
      { storage, readText, now: () => 0 },
    );
    expect(ids).toEqual([2178]);
    await expect(
      resolveLocations(
        { kind: 'file', path: join(root, 'none.txt') },
        { storage, readText, now: () => 0 },
      ),
    ).rejects.toThrow(/--locations @.*none\.txt/);
  });

  it('lists every locationid= folder for all, and reuses the list for a day', async () => {
    const storage = folderStorage(archiveUrl);
    let listed = 0;
    const counting = {
      url: storage.url,
      listFolders: (p: string) => {
        listed++;
        return storage.listFolders(p);
      },
    };
    let kept: string | undefined;
    const cache = {
      read: async () => kept,
      write: async (text: string) => {
        kept = text;
      },
    };
    const t0 = Date.parse('2024-03-01T00:00:00Z');
    const at = (now: number) =>
      resolveLocations({ kind: 'all' }, { storage: counting, readText, cache, now: () => now });
    expect(await at(t0)).toEqual([2178, 8118]);
    expect(await at(t0 + LOCATIONS_CACHE_MS - 1)).toEqual([2178, 8118]);
    expect(listed).toBe(1);
    expect(await at(t0 + LOCATIONS_CACHE_MS)).toEqual([2178, 8118]);
    expect(listed).toBe(2);
    // Another source's list is not reused.
    kept = JSON.stringify({
      source: 'file:///elsewhere',
      listedAt: t0 + LOCATIONS_CACHE_MS,
      ids: [1],
    });
    expect(await at(t0 + LOCATIONS_CACHE_MS)).toEqual([2178, 8118]);
  });

  it('tells the archive from the real-time layout by the root\u2019s folders', async () => {
    expect((await detectLayout(folderStorage(archiveUrl))).layout).toBe('archive');
    const realtime = folderStorage(pathToFileURL(join(root, 'realtime')).toString());
    expect(await detectLayout(realtime)).toEqual({
      layout: 'realtime',
      why: 'YYYY-MM-DD folders at the root',
    });
    const empty = folderStorage(pathToFileURL(join(root, 'empty')).toString());
    expect((await detectLayout(empty)).layout).toBe('realtime');
    await mkdir(join(root, 'archive', '2018-06-07'), { recursive: true });
    await expect(detectLayout(folderStorage(archiveUrl))).rejects.toThrow(
      /--layout archive or --layout realtime/,
    );
    await rm(join(root, 'archive', '2018-06-07'), { recursive: true });
  });
});
