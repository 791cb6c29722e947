// The one description of every setting: its parsers, how both shells read it, and what is generated
// from it (help, the README's tables).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { helpText } from '../../../actions/cli/help.ts';
import { parseCommandLine } from '../../../actions/cli/parse.ts';
import { parseIngestInputs } from '../../../actions/ingest/main.ts';
import { ActionInputs } from '../../../actions/lib/github/action-inputs.ts';
import { DEFAULT_INGEST_CONCURRENCY } from '../../../actions/lib/ingest/index.ts';
import { DEFAULT_SETTLE_MS } from '../../../actions/lib/interval/planner.ts';
import { openSource, parseEndpointUrl } from '../../../actions/lib/openaq/source-url.ts';
import { SETTINGS_CATALOG } from '../../../actions/lib/settings/catalog.ts';
import { DATABASE_URL, parseDatabaseUrl } from '../../../actions/lib/settings/common.ts';
import { complete } from '../../../actions/lib/settings/complete.ts';
import { INGEST, MAX_INGEST_CONCURRENCY } from '../../../actions/lib/settings/ingest.ts';
import { parseBoolean, wholeNumber } from '../../../actions/lib/settings/parsers.ts';
import { PLAN } from '../../../actions/lib/settings/plan.ts';
import { REPORT } from '../../../actions/lib/settings/report.ts';
import { flagDefault, inputDefaults } from '../../../actions/lib/settings/setting.ts';
import { renderSettingsTables, updateReadme } from '../../../scripts/settings-docs.ts';
import { usageProblems } from '../../support/usage-problems.ts';

const env = { now: Date.parse('2026-11-24T12:00:00Z') };
const inputs = (values: Record<string, string>) => new ActionInputs((name) => values[name] ?? '');

describe('the parsers settings share', () => {
  it('read whole numbers within bounds, in decimal digits only', () => {
    const parse = wholeNumber({ min: 1, max: 16, why: 'memory' });
    expect(parse('16', '--n')).toBe(16);
    expect(parse('+3', '--n')).toBe(3);
    for (const text of ['0', '17', '-1', '1.5', '1e1', '0x10', ' 3', '']) {
      expect(usageProblems(() => parse(text, '--n'))).toEqual([
        `--n ${JSON.stringify(text)} is not a whole number from 1 to 16 (memory)`,
      ]);
    }
  });

  it('read booleans as YAML 1.2 writes them', () => {
    expect(parseBoolean('TRUE', 'x')).toBe(true);
    expect(parseBoolean('False', 'x')).toBe(false);
    expect(usageProblems(() => parseBoolean('yes', "input 'b'"))).toEqual([
      `input 'b' "yes" is not a boolean: use true or false`,
    ]);
  });

  it('check addresses, never quoting a database URL', () => {
    expect(usageProblems(() => parseEndpointUrl('localhost:9000', '--endpoint'))).toEqual([
      '--endpoint "localhost:9000" is not an http:// or https:// URL',
    ]);
  });

  it('check a database URL completely, showing it only with its password hidden', () => {
    const example = 'e.g. postgres://user:password@host:5432/database';
    const problemsOf = (url: string, label = '--database-url') =>
      usageProblems(() => parseDatabaseUrl(url, label));
    expect(problemsOf('mysql://u:hunter2@h/db', '$DATABASE_URL')).toEqual([
      `$DATABASE_URL mysql://u:***@h/db: the scheme mysql:// is not PostgreSQL's: use postgres:// or postgresql://, ${example}`,
    ]);
    expect(problemsOf('base')).toEqual([
      `--database-url is not a URL (its text is not shown: it may hold a password): use a PostgreSQL URL, ${example}`,
    ]);
    expect(problemsOf('postgres://h:port/x', "input 'database-url'")).toEqual([
      `input 'database-url' postgres://h:port/x: the port "port" is not a number from 1 to 65535: write host:port, ${example}`,
    ]);
    const bigPort = problemsOf('postgres://u:secret@h:99999/x');
    expect(bigPort).toEqual([
      `--database-url postgres://u:***@h:99999/x: the port "99999" is not a number from 1 to 65535: write host:port, ${example}`,
    ]);
    expect(problemsOf('postgres:///toar')).toEqual([
      `--database-url postgres:///toar: names no host: write the server after //, after user:password@ if any, ${example}`,
    ]);
    // A password holding @ stays hidden whole; so does one given as a parameter.
    expect(problemsOf('mysql://u:p@ss@h/x?password=zz').join()).not.toMatch(/ss@|zz/);
    for (const valid of [
      'postgres://u:secret@db.example:5432/toar',
      'postgresql://db/toar?sslmode=require',
      'postgres://[::1]/toar',
      'postgresql:///toar?host=/var/run/postgresql',
    ]) {
      expect(parseDatabaseUrl(valid, '--database-url')).toBe(valid);
    }
  });

  it('name the setting, not a flag, when the library checks it', () => {
    expect(usageProblems(() => openSource('http://x/'))).toEqual([
      'source "http://x/" is neither s3://bucket/prefix/ nor file:///path/',
    ]);
  });
});

describe('one default and one bound for each limit', () => {
  it('ingest concurrency: the library default, bounded at 16 in both shells', () => {
    expect(INGEST.concurrency.default).toBe(String(DEFAULT_INGEST_CONCURRENCY));
    const range = ['--start', '2014-01-01', '--end', '2014-01-02'];
    expect(parseCommandLine(['ingest', ...range], env)).toMatchObject({
      concurrency: DEFAULT_INGEST_CONCURRENCY,
    });
    const action =
      (concurrency: string) =>
      (name: string): string =>
        ({
          start: '2014-01-01',
          end: '2014-01-02',
          'database-url': 'postgres://h/db',
          concurrency,
        })[name] ?? '';
    expect(parseIngestInputs(action(''), {})).toMatchObject({
      concurrency: DEFAULT_INGEST_CONCURRENCY,
    });
    const max = String(MAX_INGEST_CONCURRENCY);
    const over = String(MAX_INGEST_CONCURRENCY + 1);
    expect(parseCommandLine(['ingest', ...range, '--concurrency', max], env)).toMatchObject({
      concurrency: MAX_INGEST_CONCURRENCY,
    });
    expect(parseIngestInputs(action(max), {}).concurrency).toBe(MAX_INGEST_CONCURRENCY);
    expect(
      usageProblems(() => parseCommandLine(['ingest', ...range, '--concurrency', over], env)),
    ).toHaveLength(1);
    expect(usageProblems(() => parseIngestInputs(action(over), {}))).toHaveLength(1);
  });

  it("the settle delay: the planner's DEFAULT_SETTLE_MS", () => {
    expect(inputs({}).read(PLAN.settle)).toBe(DEFAULT_SETTLE_MS);
    expect(parseCommandLine(['plan', '--since', '2014-01-01'], env)).toMatchObject({
      settleMs: DEFAULT_SETTLE_MS,
    });
  });
});

describe('ActionInputs.read', () => {
  it('reads an empty input as the default, and as absent when there is none', () => {
    const read = inputs({ region: ' ', endpoint: '' });
    expect(read.read(INGEST.region)).toBe('us-east-1');
    expect(read.read(INGEST.endpoint)).toBeUndefined();
    expect(read.read(INGEST.anonymous)).toBe(true);
    expect(read.problems).toEqual([]);
  });

  it('says what to pass when an input whose default is an expression is empty', () => {
    const read = inputs({});
    expect(read.read(REPORT.token)).toBeUndefined();
    expect(read.read(DATABASE_URL)).toBeUndefined();
    expect(read.problems).toEqual([
      `input 'token' is empty: pass token: \${{ github.token }} (the default)`,
      `input 'database-url' is empty: set the repository secret DATABASE_URL and pass database-url: \${{ secrets.DATABASE_URL }}`,
    ]);
  });

  it('refuses a setting that is not an input (a bug in the action)', () => {
    expect(() => inputs({}).read(PLAN.now)).toThrow(/bug: now is not an action input/);
  });

  it("gives action.yml's defaults by input name", () => {
    expect(inputDefaults(PLAN)).toEqual({
      until: '',
      chunk: '1h',
      reprocess: 'missing',
      'max-chunks': '256',
      settle: '30m',
      layout: 'realtime',
      source: '',
      reread: '14d',
    });
  });
});

describe('complete', () => {
  it('throws every problem, else returns the values', () => {
    expect(usageProblems(() => complete(['a', 'b'], { x: undefined }))).toEqual(['a', 'b']);
    expect(complete([], { x: 1, y: 'z' })).toEqual({ x: 1, y: 'z' });
  });

  it('calls a value missing without a problem a bug', () => {
    expect(() => complete([], { x: undefined })).toThrow(/bug: the setting x has no value/);
  });
});

describe('what is generated from the description', () => {
  it("lists every command's flags, with their defaults, in its help", () => {
    for (const group of SETTINGS_CATALOG) {
      if (group.command === undefined) continue;
      const help = helpText(group.command.split(' ')[0]);
      for (const setting of Object.values(group.settings)) {
        if (setting.cli === undefined) continue;
        expect(help, `${group.command} --${setting.cli.flag}`).toContain(`--${setting.cli.flag}`);
      }
    }
    expect(helpText('plan')).toContain(
      '  --settle D          plan only intervals that ended at least this long ago, since uploads lag\n' +
        '                      (default 30m)',
    );
    expect(helpText('ingest')).toContain(
      '  --concurrency N     objects read and parsed ahead of the loader at once (1 to 16; default 3)',
    );
    expect(flagDefault(INGEST.source)).toBe(
      '$FRESHET_SOURCE, else s3://openaq-data-archive/records/csv.gz/',
    );
  });

  it('keeps help lines within 100 columns', () => {
    for (const topic of ['ingest', 'plan', 'train', 'runs', 'generate-fetches', 'demo']) {
      for (const line of helpText(topic).split('\n'))
        expect(line.length, line).toBeLessThanOrEqual(100);
    }
  });

  it("is what the README's tables say (run `node scripts/settings-docs.ts` after a change)", async () => {
    const readme = await readFile('README.md', 'utf8');
    expect(readme).toContain(renderSettingsTables());
    expect(updateReadme(readme)).toBe(readme);
  });
});
