// The folder source over a temporary folder with the real-time layout.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError, UsageError } from '../../../actions/lib/errors.ts';
import type { SourceObject, TimeSpan } from '../../../actions/lib/openaq/source.ts';
import { folderSource } from '../../../actions/lib/openaq/source-folder.ts';
import { bytesOf } from '../../support/bytes.ts';
import { defined } from '../../support/defined.ts';
import {
  expectSelectionLikeTheListing,
  LISTING_PREFIX,
  realListingKeys,
} from '../../support/real-listing.ts';

/** 2018-06-07T00:00:00Z in Unix seconds (a real fetch time of the bucket). */
const T0 = 1528329600;
const at = (seconds: number) => seconds * 1000;
const span = (fromSeconds: number, toSeconds: number): TimeSpan => ({
  start: at(fromSeconds),
  end: at(toSeconds),
});
const keysOf = (objects: readonly SourceObject[]) => objects.map((o) => o.key);

/** A day of the real-time layout with every kind of name a folder can hold. */
const DAY = {
  '2018-06-06/1528329599.ndjson.gz': 'last fetch of 06-06',
  '2018-06-07/1528329600.ndjson.gz': 'first fetch of 06-07',
  '2018-06-07/1528330199.ndjson.gz': 'just before the interval',
  '2018-06-07/1528330200.ndjson.gz': 'at the interval start',
  '2018-06-07/1528330200_na.ndjson.gz': 'same second, suffixed',
  '2018-06-07/1528330250.ndjson': 'plain ndjson',
  '2018-06-07/1528330300_eea_6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.ndjson.gz': 'eea',
  '2018-06-07/1528330799.ndjson.gz': 'last second of the interval',
  '2018-06-07/1528330800.ndjson.gz': 'at the interval end',
  '2018-06-07/README.txt': 'not a fetch',
  '2018-06-07/latest.ndjson.gz': 'not a fetch',
  '2018-06-07/1528330400.json': 'not a fetch',
  '2018-06-07/1528330400.ndjson.gz.tmp': 'not a fetch',
  '2018-06-07/archive/1528330400.ndjson.gz': 'in a subfolder: not of this layout',
};
/** The interval 2018-06-07T00:10Z–00:20Z. */
const INTERVAL = span(T0 + 600, T0 + 1200);

let root: string;
let url: string;

beforeEach(async () => {
  // A space and a percent sign: the URL is percent-encoded, the folder is not.
  const parent = await mkdtemp(join(tmpdir(), 'freshet-folder-source-'));
  root = join(parent, 'my mirror 100%');
  url = pathToFileURL(root).href;
});

afterEach(async () => {
  await rm(dirname(root), { recursive: true, force: true });
});

async function place(files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), bytes);
  }
}

async function failure(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('folderSource', () => {
  it('selects the files fetched in [start, end), by fetch time then name, whatever their suffix', async () => {
    await place(DAY);
    expect(url).toContain('my%20mirror%20100%25');
    const listing = await folderSource(url).list(INTERVAL);
    expect(listing.objects).toEqual([
      { key: '2018-06-07/1528330200.ndjson.gz', fetchedAt: at(1528330200) },
      { key: '2018-06-07/1528330200_na.ndjson.gz', fetchedAt: at(1528330200) },
      { key: '2018-06-07/1528330250.ndjson', fetchedAt: at(1528330250) },
      {
        key: '2018-06-07/1528330300_eea_6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.ndjson.gz',
        fetchedAt: at(1528330300),
      },
      { key: '2018-06-07/1528330799.ndjson.gz', fetchedAt: at(1528330799) },
    ]);
  });

  it('counts the non-fetch files of a folder as skipped, once per folder and source', async () => {
    await place(DAY);
    const source = folderSource(url);
    const first = await source.list(INTERVAL);
    expect([...first.skipped].sort()).toEqual([
      '2018-06-07/1528330400.json',
      '2018-06-07/1528330400.ndjson.gz.tmp',
      '2018-06-07/README.txt',
      '2018-06-07/latest.ndjson.gz',
    ]);
    const later = await source.list(span(T0 + 1200, T0 + 1800));
    expect(later.skipped).toEqual([]);
    expect(keysOf(later.objects)).toEqual(['2018-06-07/1528330800.ndjson.gz']);
    expect((await folderSource(url).list(INTERVAL)).skipped).toHaveLength(4);
  });

  it('takes an interval across midnight from both date folders', async () => {
    await place(DAY);
    const listing = await folderSource(url).list(span(T0 - 300, T0 + 300));
    expect(keysOf(listing.objects)).toEqual([
      '2018-06-06/1528329599.ndjson.gz',
      '2018-06-07/1528329600.ndjson.gz',
    ]);
  });

  it('lists each date folder once per source: files added later are not seen by it', async () => {
    await place(DAY);
    const source = folderSource(url);
    await source.list(INTERVAL);
    await place({ '2018-06-07/1528330500.ndjson.gz': 'arrived late' });
    expect(keysOf((await source.list(INTERVAL)).objects)).not.toContain(
      '2018-06-07/1528330500.ndjson.gz',
    );
    expect(keysOf((await folderSource(url).list(INTERVAL)).objects)).toContain(
      '2018-06-07/1528330500.ndjson.gz',
    );
  });

  it('finds nothing in a date folder that does not exist', async () => {
    await place(DAY);
    expect(await folderSource(url).list(span(T0 + 86_400, T0 + 87_000))).toEqual({
      objects: [],
      skipped: [],
      misfiled: [],
    });
  });

  it('fails with a SourceError when the root itself does not exist (a wrong URL, not an empty day)', async () => {
    await place(DAY);
    const nowhere = join(root, 'no such mirror');
    const error = await failure(folderSource(pathToFileURL(nowhere).href).list(INTERVAL));
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toContain(`the source folder ${nowhere} does not exist`);
  });

  it('takes symbolic links to files as files (a mirror may link to another copy)', async () => {
    await place({ 'elsewhere/copy.bin': 'linked fetch' });
    await mkdir(join(root, '2018-06-07'), { recursive: true });
    await symlink(join(root, 'elsewhere/copy.bin'), join(root, '2018-06-07/1528330300.ndjson.gz'));
    const source = folderSource(url);
    const { objects } = await source.list(INTERVAL);
    expect(keysOf(objects)).toEqual(['2018-06-07/1528330300.ndjson.gz']);
    expect(
      new TextDecoder().decode(await bytesOf(source.read(defined(objects[0], 'the link')))),
    ).toBe('linked fetch');
  });

  it('skips and counts what is not a regular file: links to /dev/zero, a FIFO, nowhere', async () => {
    await place({ '2018-06-07/1528330200.ndjson.gz': 'a fetch' });
    const folder = join(root, '2018-06-07');
    await symlink('/dev/zero', join(folder, '1528330201.ndjson.gz'));
    await symlink(join(root, 'missing'), join(folder, '1528330202.ndjson.gz'));
    const fifo = join(folder, '1528330203.ndjson.gz');
    execFileSync('mkfifo', [fifo]);
    await symlink(fifo, join(folder, '1528330204.ndjson.gz'));
    const source = folderSource(url);
    const listing = await source.list(INTERVAL);
    expect(keysOf(listing.objects)).toEqual(['2018-06-07/1528330200.ndjson.gz']);
    expect([...listing.skipped].sort()).toEqual([
      '2018-06-07/1528330201.ndjson.gz',
      '2018-06-07/1528330202.ndjson.gz',
      '2018-06-07/1528330203.ndjson.gz',
      '2018-06-07/1528330204.ndjson.gz',
    ]);
    // Named directly, a FIFO is refused without waiting for a writer.
    const error = await failure(
      bytesOf(source.read({ key: '2018-06-07/1528330203.ndjson.gz', fetchedAt: 0 })),
    );
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toMatch(/not a regular file/);
  });

  it('counts an object filed under another date than its fetch time as misfiled, once', async () => {
    await place({
      '2018-06-07/1528330200.ndjson.gz': 'filed right',
      // 2018-06-08T00:00:00Z and 2018-06-06T23:59:59Z, both under 2018-06-07.
      '2018-06-07/1528416000.ndjson.gz': 'filed a day early',
      '2018-06-07/1528329599_x.ndjson': 'filed a second late',
    });
    const source = folderSource(url);
    const first = await source.list(INTERVAL);
    expect(keysOf(first.objects)).toEqual(['2018-06-07/1528330200.ndjson.gz']);
    expect([...first.misfiled].sort()).toEqual([
      '2018-06-07/1528329599_x.ndjson',
      '2018-06-07/1528416000.ndjson.gz',
    ]);
    expect((await source.list(span(T0 + 1200, T0 + 1800))).misfiled).toEqual([]);
  });

  it('reads a file whole, its bytes as stored', async () => {
    const gzipBytes = Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3, 250, 251, 252);
    await place({ '2018-06-07/1528329600.ndjson.gz': gzipBytes });
    const source = folderSource(url);
    const [object] = (await source.list(span(T0, T0 + 600))).objects;
    expect(new Uint8Array(await bytesOf(source.read(defined(object, 'the file'))))).toEqual(
      gzipBytes,
    );
  });

  it('fails with a SourceError naming the path of a file that vanished', async () => {
    await place(DAY);
    const error = await failure(
      bytesOf(
        folderSource(url).read({
          key: '2018-06-07/1528330000.ndjson.gz',
          fetchedAt: at(1528330000),
        }),
      ),
    );
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toContain(join(root, '2018-06-07/1528330000.ndjson.gz'));
  });

  it('fails to list a date folder that is not a folder, and lists it again on the next call', async () => {
    await place({ '2018-06-07': 'a file where the folder should be' });
    const source = folderSource(url);
    const error = await failure(source.list(INTERVAL));
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toContain(join(root, '2018-06-07'));

    await rm(join(root, '2018-06-07'));
    await place(DAY);
    expect((await source.list(INTERVAL)).objects).toHaveLength(5);
  });

  it('refuses a URL that names no local folder as a usage error', () => {
    expect(() => folderSource('file://fileserver/share/realtime')).toThrow(UsageError);
    expect(() => folderSource('https://example.org/realtime')).toThrow(UsageError);
  });
});

// A real listing of the bucket (see test/fixtures/openaq/README.md).
describe('folderSource over the keys of test-realtime-2017-09-28.csv', () => {
  it('selects what an independent reading of the names selects', async () => {
    const keys = await realListingKeys();
    expect(keys).toHaveLength(91);
    // The bucket's `test-realtime/` prefix becomes the folder's root.
    await place(Object.fromEntries(keys.map((key) => [key.slice(LISTING_PREFIX.length), ''])));
    await expectSelectionLikeTheListing(folderSource(url), keys, {
      start: Date.parse('2017-09-28T12:00:00Z'),
      end: Date.parse('2017-09-28T15:00:00Z'),
    });
  });
});
