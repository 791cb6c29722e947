// The table `npm start` prints, a row at a time: plain ASCII, each row starting with its date, the
// columns as wide as the header's.
import { describe, expect, it } from 'vitest';
import type { DemoDay } from '../../../actions/lib/demo/demo.ts';
import {
  DEMO_HEADERS,
  formatDemoDay,
  formatDemoHeader,
  formatDemoNotes,
  formatWarmUp,
} from '../../../actions/lib/demo/demo-format.ts';

const trained: DemoDay = {
  day: '2014-01-01',
  download: 0.06,
  load: 4.031,
  selection: 0.04,
  training: 1.76,
  publication: 0.03,
  records: 72_706,
  database_rows: 11_706,
  training_rows: 184,
  rmse: 3.3141,
  skill: -0.0192,
  version: 1,
  promoted: true,
  error: null,
};

describe('the demo table', () => {
  it('heads a column per task of the original evaluation, then the counts and metrics', () => {
    expect(DEMO_HEADERS.slice(0, 6)).toEqual([
      'day',
      'download',
      'load',
      'selection',
      'training',
      'publication',
    ]);
    expect(formatDemoHeader().split(/\s{2,}/)).toEqual(DEMO_HEADERS);
  });

  it('writes a day as its ASCII date, seconds to the hundredth, metrics to the thousandth', () => {
    const row = formatDemoDay(trained);
    expect(row.split(/\s+/)).toEqual([
      '2014-01-01',
      '0.06',
      '4.03',
      '0.04',
      '1.76',
      '0.03',
      '72706',
      '11706',
      '184',
      '3.314',
      '-0.019',
      'v1*',
    ]);
    // Aligned under the header: each cell ends where its header does.
    const header = formatDemoHeader();
    expect(row.length).toBe(header.length);
    expect(row.indexOf('0.03') + 4).toBe(header.indexOf('publication') + 'publication'.length);
  });

  it('dashes what a failed day lacks, and says why after the table', () => {
    const failed: DemoDay = {
      ...trained,
      day: '2014-01-02',
      training: 0.5,
      publication: null,
      rmse: null,
      skill: null,
      version: null,
      promoted: false,
      error: 'training failed: the command\u001b[31m exited with 1',
    };
    expect(formatDemoDay(failed).split(/\s+/).slice(5)).toEqual([
      '-',
      '72706',
      '11706',
      '184',
      '-',
      '-',
      '-',
    ]);
    const notes = formatDemoNotes({ days: [trained, failed] });
    expect(notes.at(-1)).toBe('2014-01-02: training failed: the command\\x1b[31m exited with 1');
    expect(notes.filter((n) => n.startsWith('2014-01-01'))).toEqual([]);
    expect(formatDemoDay({ ...trained, promoted: false })).toMatch(/ v1$/);
  });

  it('says what the warm-up ingested and which station is trained', () => {
    expect(
      formatWarmUp({ days: 7, records: 506_806, seconds: 19.7, station: '38.1261,23.872' }),
    ).toBe(
      'Warm-up: 7 days before the first, 506806 records in 19.7 s; training on the station with the most ozone, 38.1261,23.872.',
    );
    expect(formatWarmUp({ days: 7, records: 0, seconds: 0.1, station: undefined })).toMatch(
      /no station has ozone\.$/,
    );
  });
});
