// The command line's grammar: argv → one validated, typed command. Pure (the environment is a
// parameter), so that tests exercise it directly.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { collectProblems, UsageError } from '../lib/errors.ts';
import { parseDuration } from '../lib/interval/duration.ts';
import { parseAlignedInstant, parseInstant } from '../lib/interval/instant.ts';
import { MAX_CHUNKS_LIMIT } from '../lib/interval/planner.ts';
import { parseReprocessMode } from '../lib/interval/reprocess.ts';
import type { ReprocessMode } from '../lib/interval/types.ts';
import { DEFAULT_SOURCE } from '../lib/openaq/source-url.ts';
import type { SelectionOverrides } from '../lib/training/data/selection-request.ts';
import { tagProblems } from '../lib/training/run/runner-options.ts';
import { parseRunFilter, type RunFilter } from '../lib/training/run/runs.ts';

export type Command =
  | { name: 'help'; topic?: string }
  | {
      name: 'ingest';
      source: string;
      start: number;
      end: number;
      databaseUrl?: string;
      region?: string;
      endpoint?: string;
      anonymous: boolean;
      concurrency: number;
      json: boolean;
    }
  | {
      name: 'plan';
      since: number;
      until?: number;
      chunkMs: number;
      reprocess: ReprocessMode;
      maxChunks: number;
      settleMs: number;
      now: number;
      databaseUrl?: string;
    }
  | { name: 'status'; json: boolean; databaseUrl?: string }
  | { name: 'migrate'; databaseUrl?: string }
  | {
      name: 'generate-fetches';
      out: string;
      start: number;
      days: number;
      stations: number;
      seed: number;
    }
  | { name: 'demo'; days: number; stations: number; databaseUrl?: string }
  | {
      name: 'train';
      /** A folder or `owner/repo/path@sha`, as given. */
      project: string;
      entryPoint?: string;
      /** `-P key=value`, values as text (typed by the project's parameter definitions). */
      parameters: Record<string, string>;
      /** `-T tag=value`. */
      tags: Record<string, string>;
      /** What to select, as text; the project's `data` fills what is not given. */
      selection: SelectionOverrides;
      keepTable: boolean;
      timeoutMs?: number;
      json: boolean;
      databaseUrl?: string;
    }
  | {
      name: 'runs';
      experiment?: string;
      filter?: RunFilter;
      limit: number;
      json: boolean;
      databaseUrl?: string;
    }
  | { name: 'runs-compare'; a: string; b: string; json: boolean; databaseUrl?: string };

export const COMMANDS = [
  'ingest',
  'plan',
  'status',
  'db',
  'generate-fetches',
  'demo',
  'train',
  'runs',
] as const;

/**
 * Reads repeated `key=value` flags (`-P n_trees=50 -P depth=8`) into a map, collecting malformed
 * and repeated keys as problems.
 *
 * @example keyValues(['a=1', 'b=x=y'], '-P', 'parameter', problems) // { a: '1', b: 'x=y' }
 */
export function keyValues(
  items: readonly string[],
  flag: string,
  what: string,
  problems: string[],
): Record<string, string> {
  const entries: [string, string][] = [];
  for (const item of items) {
    const at = item.indexOf('=');
    const key = at < 0 ? '' : item.slice(0, at).trim();
    if (key === '') {
      problems.push(
        `${flag} ${item} must be ${what}=value, e.g. ${flag} ${what === 'tag' ? 'trigger=push' : 'n_trees=50'}`,
      );
    } else if (entries.some(([k]) => k === key)) {
      problems.push(`${flag} gives ${what} ${key} twice: give it once`);
    } else entries.push([key, item.slice(at + 1)]);
  }
  return Object.fromEntries(entries);
}

/** What the parser reads from the environment besides argv. */
export interface CommandEnvironment {
  DATABASE_URL?: string | undefined;
  FRESHET_START?: string | undefined;
  FRESHET_SOURCE?: string | undefined;
  now: number;
}

type Values = Record<string, string | boolean | undefined>;

const DATABASE = { 'database-url': { type: 'string' } } as const;

/**
 * Parses `freshet <command> [flags]`, collecting every problem before failing.
 *
 * @example
 * parseCommandLine(['ingest', '--start', '2014-01-01', '--end', '2014-01-02'], env)
 * // → { name: 'ingest', source: 's3://openaq-fetches/realtime-gzipped/', start: …, end: …, … }
 */
export function parseCommandLine(argv: readonly string[], env: CommandEnvironment): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { name: 'help', ...(rest[0] ? { topic: rest[0] } : {}) };
  }
  if (rest.includes('--help') || rest.includes('-h')) return { name: 'help', topic: first };
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => collectProblems(problems, parse);
  const parsed = (
    options: ParseArgsOptionsConfig,
    args: readonly string[],
    positionals: boolean,
  ) => {
    try {
      return parseArgs({ args: [...args], options, strict: true, allowPositionals: positionals });
    } catch (error) {
      throw new UsageError(`${(error as Error).message} (see \`freshet ${first} --help\`)`);
    }
  };
  const flags = (options: ParseArgsOptionsConfig, args: readonly string[]) =>
    parsed(options, args, false).values as Values;
  const databaseUrl = (v: Values) => {
    const url = (v['database-url'] as string | undefined) ?? env.DATABASE_URL;
    return url ? { databaseUrl: url } : {};
  };
  const integer = (v: Values, flag: string, fallback: number, min: number, max: number) => {
    const text = v[flag] as string | undefined;
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`--${flag} ${text} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const required = (v: Values, flag: string): string | undefined => {
    const text = v[flag] as string | undefined;
    if (text === undefined) problems.push(`--${flag} is required`);
    return text;
  };
  const done = <C extends Command>(command: C): C => {
    if (problems.length > 0) throw new UsageError(problems);
    return command;
  };

  switch (first) {
    case 'ingest': {
      const v = flags(
        {
          ...DATABASE,
          source: { type: 'string' },
          start: { type: 'string' },
          end: { type: 'string' },
          region: { type: 'string' },
          endpoint: { type: 'string' },
          anonymous: { type: 'boolean' },
          concurrency: { type: 'string' },
          json: { type: 'boolean' },
        },
        rest,
      );
      const startText = required(v, 'start');
      const endText = required(v, 'end');
      const start =
        startText === undefined ? 0 : attempt(() => parseAlignedInstant(startText, '--start'));
      const end = endText === undefined ? 0 : attempt(() => parseAlignedInstant(endText, '--end'));
      if (start !== undefined && end !== undefined && startText && endText && end <= start) {
        problems.push(`--end ${endText} must be after --start ${startText}`);
      }
      const source = (v.source as string | undefined) ?? env.FRESHET_SOURCE ?? DEFAULT_SOURCE;
      if (!/^(s3|file):\/\//.test(source)) {
        problems.push(`--source ${source} must be s3://bucket/prefix/ or file:///path`);
      }
      return done({
        name: 'ingest',
        source,
        start: start ?? 0,
        end: end ?? 0,
        ...databaseUrl(v),
        ...(v.region ? { region: v.region as string } : {}),
        ...(v.endpoint ? { endpoint: v.endpoint as string } : {}),
        anonymous: v.anonymous === true,
        concurrency: integer(v, 'concurrency', 3, 1, 16),
        json: v.json === true,
      });
    }
    case 'plan': {
      const v = flags(
        {
          ...DATABASE,
          since: { type: 'string' },
          until: { type: 'string' },
          chunk: { type: 'string' },
          reprocess: { type: 'string' },
          'max-chunks': { type: 'string' },
          settle: { type: 'string' },
          now: { type: 'string' },
        },
        rest,
      );
      const sinceText = (v.since as string | undefined) ?? env.FRESHET_START;
      if (sinceText === undefined) problems.push('--since is required (or set FRESHET_START)');
      const since =
        sinceText === undefined ? 0 : attempt(() => parseAlignedInstant(sinceText, '--since'));
      const untilText = v.until as string | undefined;
      const until =
        untilText === undefined
          ? undefined
          : attempt(() => parseAlignedInstant(untilText, '--until'));
      const chunkMs = attempt(() =>
        parseDuration((v.chunk as string | undefined) ?? '1h', '--chunk'),
      );
      const settleMs = attempt(() =>
        parseDuration((v.settle as string | undefined) ?? '30m', '--settle'),
      );
      const reprocess = attempt(() =>
        parseReprocessMode((v.reprocess as string | undefined) ?? 'missing', '--reprocess'),
      );
      const nowText = v.now as string | undefined;
      const now = nowText === undefined ? env.now : attempt(() => parseInstant(nowText, '--now'));
      return done({
        name: 'plan',
        since: since ?? 0,
        ...(until !== undefined ? { until } : {}),
        chunkMs: chunkMs ?? 0,
        reprocess: reprocess ?? 'missing',
        maxChunks: integer(v, 'max-chunks', MAX_CHUNKS_LIMIT, 1, MAX_CHUNKS_LIMIT),
        settleMs: settleMs ?? 0,
        now: now ?? env.now,
        ...databaseUrl(v),
      });
    }
    case 'status': {
      const v = flags({ ...DATABASE, json: { type: 'boolean' } }, rest);
      return done({ name: 'status', json: v.json === true, ...databaseUrl(v) });
    }
    case 'db': {
      const [sub, ...more] = rest;
      if (sub !== 'migrate')
        throw new UsageError(`unknown command \`db ${sub ?? ''}\`: use \`freshet db migrate\``);
      const v = flags({ ...DATABASE }, more);
      return done({ name: 'migrate', ...databaseUrl(v) });
    }
    case 'generate-fetches': {
      const v = flags(
        {
          out: { type: 'string' },
          start: { type: 'string' },
          days: { type: 'string' },
          stations: { type: 'string' },
          seed: { type: 'string' },
        },
        rest,
      );
      const out = required(v, 'out');
      const startText = required(v, 'start');
      const start =
        startText === undefined ? 0 : attempt(() => parseAlignedInstant(startText, '--start'));
      if (v.days === undefined) problems.push('--days is required');
      return done({
        name: 'generate-fetches',
        out: out ?? '',
        start: start ?? 0,
        days: integer(v, 'days', 1, 1, 3660),
        stations: integer(v, 'stations', 50, 1, 100_000),
        seed: integer(v, 'seed', 1, 0, 2 ** 31 - 1),
      });
    }
    case 'demo': {
      const v = flags(
        { ...DATABASE, days: { type: 'string' }, stations: { type: 'string' } },
        rest,
      );
      return done({
        name: 'demo',
        days: integer(v, 'days', 10, 1, 366),
        stations: integer(v, 'stations', 50, 1, 10_000),
        ...databaseUrl(v),
      });
    }
    case 'train': {
      const result = parsed(
        {
          ...DATABASE,
          project: { type: 'string' },
          'entry-point': { type: 'string' },
          station: { type: 'string' },
          variable: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          window: { type: 'string' },
          param: { type: 'string', short: 'P', multiple: true },
          tag: { type: 'string', short: 'T', multiple: true },
          'keep-table': { type: 'boolean' },
          timeout: { type: 'string' },
          json: { type: 'boolean' },
        },
        rest,
        false,
      );
      const v = result.values as Values;
      const project = required(v, 'project');
      const parameters = keyValues(
        (result.values.param as string[] | undefined) ?? [],
        '-P',
        'parameter',
        problems,
      );
      const tags = keyValues(
        (result.values.tag as string[] | undefined) ?? [],
        '-T',
        'tag',
        problems,
      );
      problems.push(...tagProblems(tags).map((p) => `-T: ${p}`));
      const timeoutText = v.timeout as string | undefined;
      const timeoutMs =
        timeoutText === undefined
          ? undefined
          : attempt(() => parseDuration(timeoutText, '--timeout'));
      const text = (flag: string) => {
        const value = v[flag] as string | undefined;
        return value === undefined ? {} : { [flag]: value };
      };
      return done({
        name: 'train',
        project: project ?? '',
        ...(v['entry-point'] ? { entryPoint: v['entry-point'] as string } : {}),
        parameters,
        tags,
        selection: {
          ...text('station'),
          ...text('variable'),
          ...text('window'),
          ...text('from'),
          ...text('to'),
        },
        keepTable: v['keep-table'] === true,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        json: v.json === true,
        ...databaseUrl(v),
      });
    }
    case 'runs': {
      if (rest[0] === 'compare') {
        const result = parsed({ ...DATABASE, json: { type: 'boolean' } }, rest.slice(1), true);
        const ids = result.positionals;
        if (ids.length !== 2) {
          throw new UsageError(
            `\`freshet runs compare\` takes two run ids (or prefixes of at least 4 digits), got ${ids.length}: freshet runs compare 3f2a9c1e 7b04d2aa`,
          );
        }
        const v = result.values as Values;
        return done({
          name: 'runs-compare',
          a: ids[0]!,
          b: ids[1]!,
          json: v.json === true,
          ...databaseUrl(v),
        });
      }
      const v = flags(
        {
          ...DATABASE,
          experiment: { type: 'string' },
          filter: { type: 'string' },
          limit: { type: 'string' },
          json: { type: 'boolean' },
        },
        rest,
      );
      const filterText = v.filter as string | undefined;
      const filter =
        filterText === undefined ? undefined : attempt(() => parseRunFilter(filterText));
      return done({
        name: 'runs',
        ...(v.experiment ? { experiment: v.experiment as string } : {}),
        ...(filter ? { filter } : {}),
        limit: integer(v, 'limit', 50, 1, 10_000),
        json: v.json === true,
        ...databaseUrl(v),
      });
    }
    default:
      throw new UsageError(
        `unknown command \`${first}\`: one of ${COMMANDS.join(', ')} (see \`freshet --help\`)`,
      );
  }
}
