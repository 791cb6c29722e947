// `freshet ingest` and `freshet plan` flags of the archive layout (issue 11).
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../actions/cli/parse.ts';
import { usageProblems } from '../support/usage-problems.ts';

const env = { now: Date.parse('2026-11-24T12:00:00Z') };
const RANGE = ['--start', '2024-03-01', '--end', '2024-03-03'];

describe('freshet ingest, archive flags', () => {
  it('takes the issue\u2019s example: the archive, two locations, two days', () => {
    const command = parseCommandLine(
      [
        'ingest',
        '--source',
        's3://openaq-data-archive/records/csv.gz/',
        '--layout',
        'archive',
        '--locations',
        '2178,8118',
        ...RANGE,
      ],
      env,
    );
    expect(command).toMatchObject({
      name: 'ingest',
      layout: 'archive',
      locations: { kind: 'ids', ids: [2178, 8118] },
      start: Date.parse('2024-03-01T00:00:00Z'),
      end: Date.parse('2024-03-03T00:00:00Z'),
    });
  });

  it('reads the layout, locations and API key from the environment, flags first', () => {
    const command = parseCommandLine(['ingest', ...RANGE, '--country', 'in'], {
      ...env,
      FRESHET_LAYOUT: 'archive',
      OPENAQ_API_KEY: 'k-123',
    });
    expect(command).toMatchObject({
      layout: 'archive',
      locations: { kind: 'api', query: { country: 'IN' } },
      openaqApiKey: 'k-123',
    });
    expect(
      parseCommandLine(['ingest', ...RANGE, '--locations', '@ids.txt'], {
        ...env,
        FRESHET_LOCATIONS: 'all',
      }),
    ).toMatchObject({ layout: 'auto', locations: { kind: 'file', path: 'ids.txt' } });
  });

  it('collects every problem: a layout, a location list, a box, and --locations with --bbox', () => {
    const problems = usageProblems(() =>
      parseCommandLine(
        ['ingest', ...RANGE, '--layout', 'csv', '--locations', '2178,x', '--bbox', '1,2,3'],
        env,
      ),
    );
    expect(problems.join('\n')).toMatch(/--layout "csv" is not one of auto, realtime, archive/);
    expect(problems.join('\n')).toMatch(/--locations "2178,x"/);
    expect(problems.join('\n')).toMatch(/--bbox "1,2,3"/);
    const both = usageProblems(() =>
      parseCommandLine(['ingest', ...RANGE, '--locations', '2178', '--country', 'US'], env),
    );
    expect(both).toContain('give locations, or bbox and country, not both');
  });
});

describe('freshet plan, archive flags', () => {
  it('plans the archive with its 72-hour settle delay and 14-day re-read unless told otherwise', () => {
    expect(
      parseCommandLine(
        ['plan', '--since', '2024-01-01', '--layout', 'archive', '--chunk', '1d'],
        env,
      ),
    ).toMatchObject({
      layout: 'archive',
      settleMs: 72 * 3_600_000,
      rereadMs: 14 * 86_400_000,
      chunkMs: 86_400_000,
    });
    expect(
      parseCommandLine(
        [
          'plan',
          '--since',
          '2024-01-01',
          '--layout',
          'archive',
          '--settle',
          '96h',
          '--reread',
          '7d',
          '--source',
          's3://b/p/',
        ],
        env,
      ),
    ).toMatchObject({ settleMs: 96 * 3_600_000, rereadMs: 7 * 86_400_000, source: 's3://b/p/' });
    const realtime = parseCommandLine(['plan', '--since', '2024-01-01'], env);
    expect(realtime).toMatchObject({ settleMs: 30 * 60_000 });
    expect(realtime).not.toHaveProperty('layout');
  });
});

describe('freshet demo (npm start), archive flags', () => {
  it('takes the archive layout, generated or from a source, with the ingest flags’ names', () => {
    expect(
      parseCommandLine(
        ['demo', '--layout', 'archive', '--locations', '1,3', '--stations', '3'],
        env,
      ),
    ).toMatchObject({ layout: 'archive', locations: { kind: 'ids', ids: [1, 3] }, stations: 3 });
    expect(parseCommandLine(['demo', '--layout', 'archive'], env)).not.toHaveProperty('locations');
    expect(
      parseCommandLine(
        [
          'demo',
          '--source',
          's3://openaq-data-archive/records/csv.gz/',
          '--layout',
          'archive',
          '--locations',
          '2178,8118',
        ],
        env,
      ),
    ).toMatchObject({
      source: 's3://openaq-data-archive/records/csv.gz/',
      layout: 'archive',
      locations: { kind: 'ids', ids: [2178, 8118] },
    });
    // The environment of a deployment is not the demo's: FRESHET_LAYOUT does not apply.
    expect(parseCommandLine(['demo'], { ...env, FRESHET_LAYOUT: 'archive' })).toMatchObject({
      layout: 'auto',
    });
  });

  it('says when locations cannot select anything', () => {
    expect(usageProblems(() => parseCommandLine(['demo', '--locations', '1'], env))).toEqual([
      '--locations selects archive locations: add --layout archive',
    ]);
    expect(
      usageProblems(() =>
        parseCommandLine(['demo', '--layout', 'realtime', '--locations', '1'], env),
      ),
    ).toEqual(['--locations selects archive locations: add --layout archive']);
    expect(
      usageProblems(() =>
        parseCommandLine(['demo', '--layout', 'archive', '--locations', '2,12,2178'], env),
      ),
    ).toEqual([
      '--locations 12,2178: the generated archive has locations 1 to 10 (--stations): choose among them, or give --source',
    ]);
  });
});
