import { describe, expect, it } from 'vitest';
import { parseObjectName } from '../../../actions/lib/openaq/object-name.ts';

describe('parseObjectName', () => {
  it.each([
    ['realtime/2018-06-07/1528329600.ndjson', 1528329600000, '1528329600.ndjson'],
    ['realtime-gzipped/2018-06-07/1528329600.ndjson.gz', 1528329600000, '1528329600.ndjson.gz'],
    ['realtime/2022-06-01/1654041600_na.ndjson', 1654041600000, '1654041600_na.ndjson'],
    [
      'realtime-gzipped/2022-06-01/1654041600_eea_6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.ndjson.gz',
      1654041600000,
      '1654041600_eea_6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.ndjson.gz',
    ],
    ['1528329600.ndjson', 1528329600000, '1528329600.ndjson'],
    ['a/b/0.ndjson', 0, '0.ndjson'],
    ['x/1528329600_.ndjson', 1528329600000, '1528329600_.ndjson'],
    ['x/001528329600.ndjson', 1528329600000, '001528329600.ndjson'],
  ])('reads %s as fetched at %s', (key, fetchedAt, name) => {
    expect(parseObjectName(key)).toEqual({ fetchedAt, name });
  });

  it.each([
    ['a folder', 'realtime/2018-06-07/'],
    ['a listing of the folder itself', 'realtime/2018-06-07'],
    ['another extension', 'realtime/2018-06-07/1528329600.json'],
    ['a csv', 'realtime/2018-06-07/1528329600.csv.gz'],
    ['no number', 'realtime/2018-06-07/latest.ndjson'],
    ['a suffix without underscore', 'realtime/2018-06-07/1528329600-na.ndjson'],
    ['text after the extension', 'realtime/2018-06-07/1528329600.ndjson.gz.tmp'],
    ['upper case', 'realtime/2018-06-07/1528329600.NDJSON'],
    ['a signed number', 'realtime/2018-06-07/-1528329600.ndjson'],
    ['a decimal number', 'realtime/2018-06-07/1528329600.5.ndjson'],
    ['non-ASCII digits', 'realtime/2018-06-07/١٥٢٨٣٢٩٦٠٠.ndjson'],
    ['a number beyond any date', `realtime/x/${'9'.repeat(30)}.ndjson`],
    ['an empty key', ''],
  ])('skips %s', (_what, key) => {
    expect(parseObjectName(key)).toBeNull();
  });

  it('takes the number from the basename, not from the folders', () => {
    expect(parseObjectName('1528329600.ndjson/readme.ndjson')).toBeNull();
    expect(parseObjectName('12/34.ndjson')).toEqual({ fetchedAt: 34000, name: '34.ndjson' });
  });
});
