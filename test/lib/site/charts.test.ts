// The SVG charts: scales and ticks, and what each chart draws (one mark per thing it shows), with
// its accessible name and description.
import { describe, expect, it } from 'vitest';
import type { DayStatus } from '../../../actions/lib/ingest/status.ts';
import { barChart, stackedColumns } from '../../../actions/lib/site/charts/bar-chart.ts';
import { calendarChart } from '../../../actions/lib/site/charts/calendar-chart.ts';
import { lineChart } from '../../../actions/lib/site/charts/line-chart.ts';
import { stationMap } from '../../../actions/lib/site/charts/station-map.ts';
import {
  escapeXml,
  formatNumber,
  linearScale,
  niceTicks,
  tickedExtent,
} from '../../../actions/lib/site/charts/svg.ts';

const marks = (svg: string) => svg.match(/class="mark\b/g)?.length ?? 0;

describe('scales and ticks', () => {
  it('maps linearly, an empty domain to the middle', () => {
    expect(linearScale([0, 10], [0, 100])(5)).toBe(50);
    expect(linearScale([0, 10], [100, 0])(10)).toBe(0);
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });

  it('picks round ticks covering the values', () => {
    expect(niceTicks(0, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.12, 0.31, 4)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(-3, 3, 3)).toEqual([-4, -2, 0, 2, 4]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(tickedExtent([])).toEqual([0, 1, [0, 1]]);
    expect(tickedExtent([4, 4])).toEqual([4, 5, [4]]);
  });

  it('escapes text and writes numbers briefly', () => {
    expect(escapeXml('Station "Nord" <b> & co')).toBe(
      'Station &quot;Nord&quot; &lt;b&gt; &amp; co',
    );
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(0.000012)).toBe('1.20e-5');
  });
});

describe('lineChart', () => {
  const chart = (draw: 'line' | 'points') =>
    lineChart({
      id: 'c',
      title: 'rmse <by> version',
      description: 'what it shows',
      xKind: 'integer',
      xTitle: 'version',
      yTitle: 'rmse (ppb)',
      series: [{ name: 'rmse', draw, points: [1, 2, 3].map((x) => ({ x, y: x * 1.5 })) }],
    });

  it('draws a point per value, or one line', () => {
    expect(marks(chart('points'))).toBe(3);
    expect(marks(chart('line'))).toBe(1);
  });

  it('is an image named by its title, with axes titled and units', () => {
    const svg = chart('points');
    expect(svg).toMatch(
      /^<svg class="chart" id="c" [^>]*role="img" aria-labelledby="c-title c-desc"/,
    );
    expect(svg).toContain('<title id="c-title">rmse &lt;by&gt; version</title>');
    expect(svg).toContain('>rmse (ppb)</text>');
    expect(svg).toContain('>version</text>');
    expect(svg).toContain('>v2</text>');
  });

  it('labels a time axis with UTC dates', () => {
    const svg = lineChart({
      id: 't',
      title: 't',
      description: 'd',
      xKind: 'time',
      xTitle: 'hour',
      yTitle: 'o3 (ppb)',
      series: [
        {
          name: 'a',
          draw: 'line',
          points: [
            { x: Date.UTC(2014, 0, 1), y: 1 },
            { x: Date.UTC(2014, 0, 11), y: 2 },
          ],
        },
      ],
    });
    expect(svg).toContain('>2014-01-01</text>');
    expect(svg).toContain('>2014-01-11</text>');
  });
});

describe('bar charts', () => {
  it('draws a bar per value with its label', () => {
    const svg = barChart({
      id: 'r',
      title: 'Rejected lines by reason',
      description: 'd',
      valueTitle: 'lines',
      bars: [
        { label: 'bad-json', value: 12 },
        { label: 'bad-date', value: 0 },
      ],
    });
    expect(marks(svg)).toBe(2);
    expect(svg).toContain('>bad-json</text>');
  });

  it('stacks a segment per non-zero category', () => {
    const svg = stackedColumns({
      id: 's',
      title: 't',
      description: 'd',
      valueTitle: 'seconds',
      xTitle: 'day',
      categories: ['list', 'load', 'training'],
      columns: [
        { label: '2014-01-01', values: [1, 2, 0] },
        { label: '2014-01-02', values: [0, 0, 3] },
      ],
    });
    expect(marks(svg)).toBe(3);
    expect(svg).toContain('<title>2014-01-02 training: 3</title>');
  });
});

describe('calendarChart', () => {
  const day = (date: string, counts: Partial<DayStatus>): DayStatus => ({
    day: date,
    intervals: 144,
    ingested: 0,
    empty: 0,
    failed: 0,
    running: 0,
    missing: 144,
    ...counts,
  });

  it('draws a square per day, failed days marked, weeks as columns', () => {
    // 2014-01-01 is a Wednesday: the first square sits in the fourth row.
    const svg = calendarChart([
      day('2014-01-01', { ingested: 144, missing: 0 }),
      day('2014-01-02', { ingested: 100, failed: 2, missing: 42 }),
      day('2014-01-03', {}),
    ]);
    expect(marks(svg)).toBe(3);
    expect(svg.match(/class="mark failed"/g)).toHaveLength(1);
    expect(svg).toContain('data-day="2014-01-01" x="40" y="95"');
    expect(svg).toContain(
      '2014-01-02: 100 ingested, 0 empty, 2 failed, 0 running, 42 missing of 144',
    );
    expect(svg).toContain('1 with a failed interval');
  });

  it('shades an archive day (one interval) by its own share: ingested is all of it', () => {
    const svg = calendarChart([
      day('2024-03-01', { intervals: 1, ingested: 1, missing: 0 }),
      day('2024-03-02', { intervals: 1, missing: 1 }),
      day('2024-03-03', { intervals: 144, ingested: 1, missing: 143 }),
    ]);
    expect(svg).toMatch(/data-day="2024-03-01"[^>]* fill="#1e3a8a"/);
    expect(svg).toMatch(/data-day="2024-03-02"[^>]* fill="#d4d4d8"/);
    expect(svg).toMatch(/data-day="2024-03-03"[^>]* fill="#93c5fd"/);
    expect(svg).toContain('2024-03-01: 1 ingested, 0 empty, 0 failed, 0 running, 0 missing of 1');
  });
});

describe('stationMap', () => {
  it('draws a circle per station inside a graticule fitted to them', () => {
    const svg = stationMap([
      { id: 1, name: 'A & B', lat: 31.7, lng: 35.2, variables: ['o3'], newest: null },
      {
        id: 2,
        name: 'C',
        lat: 32.8,
        lng: 35.0,
        variables: ['no2', 'o3'],
        newest: '2014-01-01T00:00:00Z',
      },
    ]);
    expect(marks(svg)).toBe(2);
    expect(svg).toContain('<title>A &amp; B (31.7, 35.2): o3; newest none</title>');
    expect(svg).toContain('>35°</text>');
    expect(svg).toContain('2 stations between 30.3° and 34.3° latitude, 33.1° and 37.1° longitude');
  });

  it('shows the whole globe without stations', () => {
    const svg = stationMap([]);
    expect(marks(svg)).toBe(0);
    expect(svg).toContain('>-180°</text>');
  });
});
