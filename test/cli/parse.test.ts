import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../actions/cli/parse.ts';
import { TRAIN } from '../../actions/lib/settings/train.ts';
import { usageProblems } from '../support/usage-problems.ts';

const env = { now: Date.parse('2026-11-24T12:00:00Z') };
const problemsOf = (argv: string[], e: Parameters<typeof parseCommandLine>[1] = env) =>
  usageProblems(() => parseCommandLine(argv, e));

describe('freshet ingest flags', () => {
  it('parses a range with the default source and the environment database', () => {
    const command = parseCommandLine(
      ['ingest', '--start', '2014-01-01T00:00Z', '--end', '2014-01-01T01:00:00Z', '--json'],
      { ...env, DATABASE_URL: 'postgres://db/x' },
    );
    expect(command).toEqual({
      name: 'ingest',
      source: 's3://openaq-data-archive/records/csv.gz/',
      start: Date.parse('2014-01-01T00:00:00Z'),
      end: Date.parse('2014-01-01T01:00:00Z'),
      databaseUrl: 'postgres://db/x',
      anonymous: false,
      layout: 'auto',
      concurrency: 3,
      maxObjectBytes: 2 ** 31,
      maxIntervals: 50_000,
      json: true,
    });
  });

  it('takes --max-intervals', () => {
    const command = parseCommandLine(
      ['ingest', '--start', '2014-01-01', '--end', '2015-01-01', '--max-intervals', '60000'],
      env,
    );
    expect(command).toMatchObject({ name: 'ingest', maxIntervals: 60_000 });
    expect(
      problemsOf([
        'ingest',
        '--start',
        '2014-01-01',
        '--end',
        '2014-01-02',
        '--max-intervals',
        '0',
      ]),
    ).toEqual(['--max-intervals "0" is not a whole number from 1 to 10000000']);
  });

  it('prefers --database-url and passes the S3 settings', () => {
    const command = parseCommandLine(
      [
        'ingest',
        '--start',
        '2014-01-01',
        '--end',
        '2014-01-02',
        '--source',
        's3://b/p/',
        '--region',
        'eu-west-1',
        '--endpoint',
        'http://127.0.0.1:9000',
        '--anonymous',
        '--database-url',
        'postgres://flag/y',
      ],
      { ...env, DATABASE_URL: 'postgres://env/x' },
    );
    expect(command).toMatchObject({
      source: 's3://b/p/',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      anonymous: true,
      databaseUrl: 'postgres://flag/y',
    });
  });

  it('collects every problem at once, naming the fix', () => {
    const problems = problemsOf([
      'ingest',
      '--start',
      '2014-01-01T00:05Z',
      '--source',
      'http://x',
      '--concurrency',
      '0',
    ]);
    expect(problems.join('\n')).toMatch(
      /--start .* not aligned to 10 minutes: use 2014-01-01T00:00:00Z or 2014-01-01T00:10:00Z/,
    );
    expect(problems).toContain('--end is required');
    expect(problems.join('\n')).toMatch(
      /--source "http:\/\/x" is neither s3:\/\/bucket\/prefix\/ nor file:\/\/\/path/,
    );
    expect(problems.join('\n')).toMatch(/--concurrency "0" is not a whole number from 1 to 16/);
  });

  it('rejects an empty or reversed range and unknown flags', () => {
    expect(problemsOf(['ingest', '--start', '2014-01-02', '--end', '2014-01-01'])).toEqual([
      '--end 2014-01-01 is not after --start 2014-01-02: a chunk holds at least one interval',
    ]);
    expect(problemsOf(['ingest', '--strat', 'x'])[0]).toBe(
      'unknown flag --strat: did you mean --start? (see `freshet ingest --help`)',
    );
  });
});

describe('freshet plan flags', () => {
  it('defaults to a scheduled catch-up from FRESHET_START in 1h chunks', () => {
    expect(parseCommandLine(['plan'], { ...env, FRESHET_START: '2016-01-01T00:00:00Z' })).toEqual({
      name: 'plan',
      since: Date.parse('2016-01-01T00:00:00Z'),
      chunkMs: 3_600_000,
      reprocess: 'missing',
      maxChunks: 256,
      settleMs: 1_800_000,
      now: env.now,
    });
  });

  it('takes a backfill with its reprocess mode and checks every flag', () => {
    expect(
      parseCommandLine(
        [
          'plan',
          '--since',
          '2016-01-01',
          '--until',
          '2016-01-02',
          '--chunk',
          '1d',
          '--reprocess',
          'outdated',
          '--max-chunks',
          '10',
        ],
        env,
      ),
    ).toMatchObject({
      until: Date.parse('2016-01-02T00:00:00Z'),
      chunkMs: 86_400_000,
      reprocess: 'outdated',
      maxChunks: 10,
    });
    const problems = problemsOf([
      'plan',
      '--chunk',
      '7m',
      '--reprocess',
      'some',
      '--max-chunks',
      '300',
    ]);
    expect(problems.join('\n')).toMatch(/--since is required \(or set FRESHET_START\)/);
    expect(problems.join('\n')).toMatch(/7m/);
    expect(problems.join('\n')).toMatch(/some/);
    expect(problems.join('\n')).toMatch(/--max-chunks "300" is not a whole number from 1 to 256/);
  });
});

describe('other commands', () => {
  it('knows help, status, db migrate, generate-fetches and demo', () => {
    expect(parseCommandLine([], env)).toEqual({ name: 'help' });
    expect(parseCommandLine(['ingest', '--help'], env)).toEqual({ name: 'help', topic: 'ingest' });
    expect(parseCommandLine(['status', '--json'], env)).toEqual({ name: 'status', json: true });
    expect(parseCommandLine(['db', 'migrate'], env)).toEqual({ name: 'migrate' });
    expect(
      parseCommandLine(
        ['generate-fetches', '--out', 'x', '--start', '2014-01-01', '--days', '2', '--seed', '9'],
        env,
      ),
    ).toEqual({
      name: 'generate-fetches',
      out: 'x',
      start: Date.parse('2014-01-01T00:00:00Z'),
      days: 2,
      stations: 50,
      seed: 9,
    });
    expect(parseCommandLine(['demo'], env)).toEqual({
      name: 'demo',
      days: 10,
      start: Date.parse('2014-01-01T00:00:00Z'),
      stations: 10,
      exit: false,
      layout: 'auto',
    });
    expect(
      parseCommandLine(
        ['demo', '--exit', '--days', '2', '--start', '2015-06-01', '--source', 'file:///f/'],
        env,
      ),
    ).toEqual({
      name: 'demo',
      days: 2,
      start: Date.parse('2015-06-01T00:00:00Z'),
      stations: 10,
      exit: true,
      layout: 'auto',
      source: 'file:///f/',
    });
    expect(problemsOf(['demo', '--start', '2014-01-01T06:00Z'])).toEqual([
      '--start must be a day at 00:00 UTC, e.g. 2014-01-01',
    ]);
    expect(problemsOf(['demo', '--source', 'https://example.org/'])[0]).toMatch(
      /--source "https:\/\/example.org\/" is neither s3:\/\/bucket\/prefix\/ nor file:\/\/\/path\//,
    );
    expect(problemsOf(['frobnicate'])[0]).toMatch(/unknown command `frobnicate`/);
  });

  it('names `db` alone without a trailing space', () => {
    expect(problemsOf(['db'])).toEqual(['unknown command `db`: use `freshet db migrate`']);
    expect(problemsOf(['db', 'migrat'])).toEqual([
      'unknown command `db migrat`: use `freshet db migrate`',
    ]);
  });
});

describe('parse errors listed with every other problem', () => {
  it('a missing value, an unknown flag, a switch given a value and an extra argument, with the rest', () => {
    expect(
      problemsOf([
        'ingest',
        '--start',
        '--end',
        '2014-01-01',
        '--concurrency',
        '0',
        '--json=yes',
        'extra',
      ]),
    ).toEqual([
      '--start needs a value: --start ISO',
      '--json takes no value: write --json alone',
      'unexpected argument "extra": `freshet ingest` takes only flags, each value after its flag (see `freshet ingest --help`)',
      '--start is required',
      '--concurrency "0" is not a whole number from 1 to 16',
    ]);
    expect(problemsOf(['train', '--bogus', '-P', 'n_trees', '--timeout', '7m', '--limit'])).toEqual(
      [
        'unknown flag --bogus (see `freshet train --help`)',
        'unknown flag --limit (see `freshet train --help`)',
        '--project is required',
        '-P n_trees must be parameter=value, e.g. -P n_trees=50',
        '--timeout 7m is not a multiple of 10 minutes: use 10m',
      ],
    );
    expect(problemsOf(['runs', 'compare', 'a', '--limit'])).toEqual([
      'unknown flag --limit (see `freshet runs compare --help`)',
      '`freshet runs compare` takes two run ids (or prefixes of at least 4 digits), got 1: freshet runs compare 3f2a9c1e 7b04d2aa',
    ]);
  });

  it("says in --timeout's help that it takes multiples of 10 minutes", () => {
    expect(TRAIN.timeout.help).toMatch(/multiple of 10 minutes/);
  });
});

describe('freshet train flags', () => {
  it('takes a project with parameters, tags and a selection, passed on as text', () => {
    expect(
      parseCommandLine(
        [
          'train',
          '--project',
          'training/ozone-forest',
          '--entry-point',
          'evaluate',
          '-P',
          'n_trees=50',
          '--param',
          'label=a=b',
          '-T',
          'trigger=push',
          '--station',
          '34.8378,-118.1234',
          '--variable',
          'o3',
          '--from',
          '2014-01-01T00:00Z',
          '--to',
          '2014-01-08T00:00Z',
          '--keep-table',
          '--timeout',
          '2h',
          '--max-artifact-bytes',
          '1000',
          '--git-base',
          'file:///srv/git/',
          '--json',
        ],
        { ...env, DATABASE_URL: 'postgres://env/x' },
      ),
    ).toEqual({
      name: 'train',
      project: 'training/ozone-forest',
      entryPoint: 'evaluate',
      parameters: { n_trees: '50', label: 'a=b' },
      tags: { trigger: 'push' },
      selection: {
        station: '34.8378,-118.1234',
        variable: 'o3',
        from: '2014-01-01T00:00Z',
        to: '2014-01-08T00:00Z',
      },
      keepTable: true,
      timeoutMs: 7_200_000,
      maxArtifactBytes: 1000,
      gitBase: 'file:///srv/git/',
      json: true,
      databaseUrl: 'postgres://env/x',
    });
  });

  it('leaves everything but the project to the project file', () => {
    expect(
      parseCommandLine(['train', '--project', `acme/models/ozone@${'a'.repeat(40)}`], env),
    ).toEqual({
      name: 'train',
      project: `acme/models/ozone@${'a'.repeat(40)}`,
      parameters: {},
      tags: {},
      selection: {},
      keepTable: false,
      maxArtifactBytes: 500_000_000,
      gitBase: 'https://github.com/',
      json: false,
    });
  });

  it('refuses a --git-base that is not a URL git can fetch from', () => {
    expect(problemsOf(['train', '--project', 'p', '--git-base', 'github.com'])).toEqual([
      '--git-base: "github.com" is not a URL git can fetch from: give one such as https://github.com/ or file:///srv/git/',
    ]);
  });

  it('collects every problem: no project, malformed or repeated -P, bad tags, a bad timeout', () => {
    expect(
      problemsOf([
        'train',
        '-P',
        'n_trees',
        '-P',
        'depth=3',
        '-P',
        'depth=4',
        '-T',
        'bad tag=x',
        '--timeout',
        '7m',
      ]),
    ).toEqual([
      '--project is required',
      '-P n_trees must be parameter=value, e.g. -P n_trees=50',
      '-P gives parameter depth twice: give it once',
      '-T: tag name "bad tag" is not usable: use letters, digits and _ . - / : (at most 100)',
      '--timeout 7m is not a multiple of 10 minutes: use 10m',
    ]);
    expect(problemsOf(['train', '--project', 'x', '--epochs', '3'])).toEqual([
      'unknown flag --epochs (see `freshet train --help`)',
      'unexpected argument "3": `freshet train` takes only flags, each value after its flag (see `freshet train --help`)',
    ]);
  });
});

describe('freshet runs flags', () => {
  it('lists with an experiment, a filter and a limit', () => {
    expect(
      parseCommandLine(
        [
          'runs',
          '--experiment',
          'ozone-forest',
          '--filter',
          'rmse<5 and tag.trigger=push',
          '--limit',
          '5',
          '--json',
        ],
        env,
      ),
    ).toEqual({
      name: 'runs',
      experiment: 'ozone-forest',
      filter: {
        clauses: [
          { kind: 'metric', name: 'rmse', op: '<', value: 5 },
          { kind: 'tag', name: 'trigger', op: '=', value: 'push' },
        ],
      },
      limit: 5,
      json: true,
    });
    expect(parseCommandLine(['runs'], env)).toEqual({ name: 'runs', limit: 50, json: false });
  });

  it('makes a filter that cannot be read a usage error', () => {
    expect(problemsOf(['runs', '--filter', 'rmse<<5', '--limit', '0'])).toEqual([
      'filter clause "rmse<<5" compares metric rmse with "<5", which is not a number',
      '--limit "0" is not a whole number from 1 to 10000',
    ]);
  });

  it('compares exactly two runs', () => {
    expect(parseCommandLine(['runs', 'compare', '3f2a', '7b04d2aa', '--json'], env)).toEqual({
      name: 'runs-compare',
      a: '3f2a',
      b: '7b04d2aa',
      json: true,
    });
    expect(problemsOf(['runs', 'compare', '3f2a'])[0]).toMatch(
      /^`freshet runs compare` takes two run ids \(or prefixes of at least 4 digits\), got 1/,
    );
  });

  it('has help for both commands', () => {
    expect(parseCommandLine(['train', '--help'], env)).toEqual({ name: 'help', topic: 'train' });
    expect(parseCommandLine(['runs', 'compare', '-h'], env)).toEqual({
      name: 'help',
      topic: 'runs',
    });
  });
});

// parseArgs reads any argument starting with `-` as an option; a southern or western coordinate, a
// negative number or a duration so written is a value all the same.
describe('a value that starts with - and a digit', () => {
  const PROJECT = ['--project', 'training/ozone-forest'];

  it('is a station for --station, the bug of southern-hemisphere stations', () => {
    for (const station of ['-33.87,151.21', '-33.87,-70.6']) {
      expect(parseCommandLine(['train', ...PROJECT, '--station', station], env)).toMatchObject({
        selection: { station },
      });
    }
    expect(
      parseCommandLine(['train', '--station', '-33.87,151.21', ...PROJECT, '--json'], env),
    ).toMatchObject({ selection: { station: '-33.87,151.21' }, json: true });
  });

  it('is a window for --window, passed on as text for the runner to check', () => {
    expect(parseCommandLine(['train', ...PROJECT, '--window', '-1D'], env)).toMatchObject({
      selection: { window: '-1D' },
    });
  });

  const GENERATE = ['--out', 'x', '--start', '2014-01-01'];
  it.each([
    ['ingest', 'concurrency', '-1', ['--start', '2014-01-01', '--end', '2014-01-02']],
    ['plan', 'max-chunks', '-5', ['--since', '2014-01-01']],
    ['generate-fetches', 'days', '-1', GENERATE],
    ['generate-fetches', 'stations', '-1', [...GENERATE, '--days', '1']],
    ['generate-fetches', 'seed', '-1', [...GENERATE, '--days', '1']],
    ['demo', 'days', '-1', []],
    ['demo', 'stations', '-2', []],
    ['runs', 'limit', '-1', []],
  ])('is a number for %s --%s %s, refused by its bounds', (command, flag, value, others) => {
    expect(problemsOf([command, ...others, `--${flag}`, value])).toEqual([
      expect.stringMatching(new RegExp(`^--${flag} "${value}" is not a whole number from \\d+ to`)),
    ]);
  });

  it.each([
    ['plan', 'chunk', '-1h', ['--since', '2014-01-01']],
    ['plan', 'settle', '-30m', ['--since', '2014-01-01']],
    ['train', 'timeout', '-30m', PROJECT],
  ])('is a duration for %s --%s %s, refused as one', (command, flag, value, others) => {
    expect(problemsOf([command, ...others, `--${flag}`, value])).toEqual([
      `--${flag} ${value} is not a duration: use a whole number of minutes, hours or days, e.g. 10m, 1h, 1d`,
    ]);
  });

  it('is a value for every flag that takes one, never a missing option argument', () => {
    const flagsByCommand: Record<string, string[]> = {
      ingest: ['start', 'end', 'source', 'database-url', 'region', 'endpoint', 'concurrency'],
      plan: ['since', 'until', 'chunk', 'reprocess', 'max-chunks', 'settle', 'now'],
      'generate-fetches': ['out', 'start', 'days', 'stations', 'seed'],
      demo: ['days', 'start', 'stations', 'source', 'layout', 'locations'],
      train: ['project', 'entry-point', 'station', 'variable', 'window', 'from', 'to', 'timeout'],
      runs: ['experiment', 'filter', 'limit'],
    };
    for (const [command, flags] of Object.entries(flagsByCommand)) {
      for (const flag of flags) {
        const problems = problemsOf([command, `--${flag}`, '-1']).join('\n');
        expect(problems, `${command} --${flag}`).not.toMatch(/needs a value|unknown flag/);
      }
    }
  });

  it('is left alone after --, and is not joined to a switch', () => {
    expect(problemsOf(['runs', '--json', '-1'])[0]).toBe(
      'unknown flag -1 (see `freshet runs --help`)',
    );
    // After --, `--database-url -1` are two run ids, not a flag and its value.
    expect(problemsOf(['runs', 'compare', 'a', '--', '--database-url', '-1'])[0]).toMatch(/got 3/);
  });
});
