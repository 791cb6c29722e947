// The newest day of an archive location, found by listing its folders as the archive source lists
// a location: over a folder mirror holding names of every kind a location's folders can hold.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newestLocationDay,
  newestLocationDays,
} from '../../../actions/lib/openaq/location-days.ts';
import { folderStorage } from '../../../actions/lib/openaq/source-folder.ts';
import type { SourceStorage } from '../../../actions/lib/openaq/source-s3.ts';

const FILES = {
  'locationid=2178/year=2023/month=02/location-2178-20230222.csv.gz': 'a day',
  'locationid=2178/year=2023/month=02/location-2178-20230223.csv.gz': 'the newest day',
  'locationid=2178/year=2023/month=01/location-2178-20230131.csv.gz': 'an older month',
  // The newest year's only month holds nothing of 2178: an older month decides.
  'locationid=2178/year=2024/month=01/README.txt': 'not an object',
  'locationid=2178/year=2024/month=01/location-8118-20240101.csv.gz': 'another location',
  // A location whose folders hold no object of it at all.
  'locationid=555/year=2024/month=13/location-555-20241301.csv.gz': 'no such month',
  'locationid=555/year=2024/notes.txt': 'not a folder',
  'locationid=8118/year=2022/month=12/location-8118-20221231.csv.gz': 'the last day of 2022',
};

describe('newestLocationDay', () => {
  let root: string;
  let storage: SourceStorage;
  const listed: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-location-days-'));
    for (const [key, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), text);
    }
    const folder = folderStorage(pathToFileURL(root).href);
    storage = {
      ...folder,
      listFolders: (prefix, firstPage) => {
        listed.push(prefix);
        return folder.listFolders(prefix, firstPage);
      },
      listObjects: (prefix) => {
        listed.push(prefix);
        return folder.listObjects(prefix);
      },
    };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("finds a location's newest day in its newest month that holds one of its objects", async () => {
    listed.length = 0;
    expect(await newestLocationDay(storage, 2178)).toBe(Date.parse('2023-02-23T00:00:00Z'));
    // Newest first, stopping at the first month with an object of the location.
    expect(listed).toEqual([
      'locationid=2178/',
      'locationid=2178/year=2024/',
      'locationid=2178/year=2024/month=01/',
      'locationid=2178/year=2023/',
      'locationid=2178/year=2023/month=02/',
    ]);
  });

  it('finds nothing for a location without folders, or whose folders hold none of its objects', async () => {
    listed.length = 0;
    expect(await newestLocationDay(storage, 99_999_999)).toBeUndefined();
    expect(listed).toEqual(['locationid=99999999/']);
    expect(await newestLocationDay(storage, 555)).toBeUndefined();
  });

  it('looks up several locations, in id order', async () => {
    const newest = await newestLocationDays(storage, [8118, 99_999_999, 2178, 8118]);
    expect([...newest]).toEqual([
      [2178, Date.parse('2023-02-23T00:00:00Z')],
      [8118, Date.parse('2022-12-31T00:00:00Z')],
      [99_999_999, undefined],
    ]);
  });
});
