// The command line's grammar: argv → one validated, typed command. Pure (the environment is a
// parameter), so that tests exercise it directly.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { UsageError } from '../lib/errors.ts';
import { parseDuration } from '../lib/interval/duration.ts';
import { parseAlignedInstant, parseInstant } from '../lib/interval/instant.ts';
import { MAX_CHUNKS_LIMIT } from '../lib/interval/planner.ts';
import { parseReprocessMode } from '../lib/interval/reprocess.ts';
import type { ReprocessMode } from '../lib/interval/types.ts';
import { DEFAULT_SOURCE } from '../lib/openaq/source-url.ts';

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
  | { name: 'generate-fetches'; out: string; start: number; days: number; stations: number; seed: number }
  | { name: 'demo'; days: number; stations: number; databaseUrl?: string };

export const COMMANDS = ['ingest', 'plan', 'status', 'db', 'generate-fetches', 'demo'] as const;

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
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof UsageError) problems.push(...error.problems);
      else throw error;
      return undefined;
    }
  };
  const flags = (options: ParseArgsOptionsConfig, args: readonly string[]) => {
    try {
      return parseArgs({ args: [...args], options, strict: true, allowPositionals: false })
        .values as Values;
    } catch (error) {
      throw new UsageError(`${(error as Error).message} (see \`freshet ${first} --help\`)`);
    }
  };
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
      const start = startText === undefined ? 0 : attempt(() => parseAlignedInstant(startText, '--start'));
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
      const since = sinceText === undefined ? 0 : attempt(() => parseAlignedInstant(sinceText, '--since'));
      const untilText = v.until as string | undefined;
      const until = untilText === undefined ? undefined : attempt(() => parseAlignedInstant(untilText, '--until'));
      const chunkMs = attempt(() => parseDuration((v.chunk as string | undefined) ?? '1h', '--chunk'));
      const settleMs = attempt(() => parseDuration((v.settle as string | undefined) ?? '30m', '--settle'));
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
      if (sub !== 'migrate') throw new UsageError(`unknown command \`db ${sub ?? ''}\`: use \`freshet db migrate\``);
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
      const start = startText === undefined ? 0 : attempt(() => parseAlignedInstant(startText, '--start'));
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
      const v = flags({ ...DATABASE, days: { type: 'string' }, stations: { type: 'string' } }, rest);
      return done({
        name: 'demo',
        days: integer(v, 'days', 10, 1, 366),
        stations: integer(v, 'stations', 50, 1, 10_000),
        ...databaseUrl(v),
      });
    }
    default:
      throw new UsageError(
        `unknown command \`${first}\`: one of ${COMMANDS.join(', ')} (see \`freshet --help\`)`,
      );
  }
}
