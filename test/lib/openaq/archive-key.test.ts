import { describe, expect, it } from 'vitest';
import {
  archiveKeyOf,
  locationOfFolder,
  monthFolderOf,
  parseArchiveKey,
} from '../../../actions/lib/openaq/archive-key.ts';

const DAY = Date.parse('2024-03-01T00:00:00Z');

describe('parseArchiveKey', () => {
  it('reads the location and the date of the documented key layout', () => {
    expect(
      parseArchiveKey('locationid=2178/year=2022/month=05/location-2178-20220503.csv.gz'),
    ).toEqual({ locationId: 2178, day: Date.parse('2022-05-03T00:00:00Z') });
    expect(
      parseArchiveKey('locationid=8118/year=2024/month=02/location-8118-20240229.csv.gz'),
    ).toEqual({ locationId: 8118, day: Date.parse('2024-02-29T00:00:00Z') });
  });

  it.each([
    [
      'another location in the name',
      'locationid=2178/year=2024/month=03/location-8118-20240301.csv.gz',
    ],
    [
      'another year in the name',
      'locationid=2178/year=2023/month=03/location-2178-20240301.csv.gz',
    ],
    [
      'another month in the name',
      'locationid=2178/year=2024/month=04/location-2178-20240301.csv.gz',
    ],
    ['no such date', 'locationid=2178/year=2023/month=02/location-2178-20230229.csv.gz'],
    ['month 13', 'locationid=2178/year=2023/month=13/location-2178-20231301.csv.gz'],
    ['a leading zero', 'locationid=02178/year=2024/month=03/location-02178-20240301.csv.gz'],
    ['not gzipped', 'locationid=2178/year=2024/month=03/location-2178-20240301.csv'],
    ['the docs\u2019 other naming', 'locationid=2178/year=2024/month=03/loc-2178-20240301.csv.gz'],
    ['a README', 'README.md'],
    ['a deeper folder', 'x/locationid=2178/year=2024/month=03/location-2178-20240301.csv.gz'],
  ])('skips %s', (_what, key) => {
    expect(parseArchiveKey(key)).toBeNull();
  });
});

describe('archiveKeyOf', () => {
  it('is the key parseArchiveKey reads back', () => {
    const key = archiveKeyOf(2178, DAY + 5 * 3_600_000);
    expect(key).toBe('locationid=2178/year=2024/month=03/location-2178-20240301.csv.gz');
    expect(parseArchiveKey(key)).toEqual({ locationId: 2178, day: DAY });
    expect(monthFolderOf(2178, DAY)).toBe('locationid=2178/year=2024/month=03/');
  });
});

describe('locationOfFolder', () => {
  it('reads locationid= folders and nothing else', () => {
    expect(locationOfFolder('locationid=2178/')).toBe(2178);
    expect(locationOfFolder('locationid=2178')).toBe(2178);
    expect(locationOfFolder('locationid=0/')).toBeNull();
    expect(locationOfFolder('locationid=x/')).toBeNull();
    expect(locationOfFolder('country=us/')).toBeNull();
  });
});
