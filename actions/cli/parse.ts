// The command line's grammar: argv → one validated, typed command. Pure (the environment is a
// parameter), so that tests exercise it directly. What each flag is (its default, parser, bounds,
// environment variable) is declared once in lib/settings/, which the actions read too.
import { DOCTOR_CHECKS } from '../lib/doctor/doctor.ts';
import type { DoctorSettings } from '../lib/doctor/doctor-settings.ts';
import { UsageError } from '../lib/errors.ts';
import { ARCHIVE_SETTLE_MS } from '../lib/ingest/plan-archive.ts';
import { DEFAULT_SETTLE_MS } from '../lib/interval/planner.ts';
import type { ReprocessMode } from '../lib/interval/types.ts';
import type { LocationsSpec } from '../lib/openaq/locations.ts';
import type { LayoutSetting } from '../lib/openaq/source-url.ts';
import { DATABASE_URL } from '../lib/settings/common.ts';
import { complete } from '../lib/settings/complete.ts';
import { DOCTOR } from '../lib/settings/doctor.ts';
import { INGEST, INGEST_ORDER, locationsOf } from '../lib/settings/ingest.ts';
import {
  DEMO,
  GENERATE_FETCHES,
  MIGRATE,
  RUNS,
  RUNS_COMPARE,
  STATUS,
} from '../lib/settings/other-commands.ts';
import { PLAN, PLAN_ORDER } from '../lib/settings/plan.ts';
import { SERVE } from '../lib/settings/serve.ts';
import { SITE_BUILD, SITE_SERVE } from '../lib/settings/site.ts';
import { TRAIN } from '../lib/settings/train.ts';
import type { SelectionOverrides } from '../lib/training/data/selection-request.ts';
import { tagProblems } from '../lib/training/run/runner-options.ts';
import type { RunFilter } from '../lib/training/run/runs.ts';
import { parseKeyValueItems } from '../lib/util/key-values.ts';
import { type CommandSettings, FlagReader, readArguments } from './flags.ts';
import {
  parseRegistryCommand,
  REGISTRY_COMMANDS,
  type RegistryCommand,
  type StoreChoice,
  storeChoice,
} from './parse-registry.ts';

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
      workers?: number;
      maxObjectBytes: number;
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
  | {
      name: 'demo';
      days: number;
      start: number;
      stations: number;
      exit: boolean;
      source?: string;
      /** `auto`: told from the source's folders (generated data: realtime). */
      layout: LayoutSetting;
      locations?: LocationsSpec;
      databaseUrl?: string;
    }
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
      /** The run fails when its artifacts hold more. */
      maxArtifactBytes: number;
      gitBase: string;
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
  | { name: 'runs-compare'; a: string; b: string; json: boolean; databaseUrl?: string }
  | ({
      name: 'site-build';
      out?: string;
      status?: string;
      edgeUrl?: string;
      base: string;
      databaseUrl?: string;
    } & StoreChoice)
  | { name: 'site-serve'; dir?: string; port: number; base: string }
  | RegistryCommand
  | { name: 'serve'; port: number; model?: string }
  | ({ name: 'doctor'; json: boolean } & DoctorSettings);

export const COMMANDS = [
  'ingest',
  'plan',
  'status',
  'db',
  'generate-fetches',
  'demo',
  'train',
  'runs',
  'site',
  ...REGISTRY_COMMANDS,
  'serve',
  'doctor',
] as const;

/**
 * Reads repeated `key=value` flags (`-P n_trees=50 -P depth=8`) with the one key=value grammar
 * (lib/util/key-values.ts), worded for the command line; values are taken as given.
 *
 * @example keyValues(['a=1', 'b=x=y'], '-P', 'parameter', problems) // { a: '1', b: 'x=y' }
 */
function keyValues(
  items: readonly string[],
  flag: string,
  what: 'parameter' | 'tag',
  problems: string[],
): Record<string, string> {
  const example = what === 'tag' ? 'trigger=push' : 'n_trees=50';
  return parseKeyValueItems(
    items,
    {
      malformed: (item) => `${flag} ${item} must be ${what}=value, e.g. ${flag} ${example}`,
      repeated: (key) => `${flag} gives ${what} ${key} twice: give it once`,
    },
    problems,
    { trimValues: false },
  );
}

/**
 * What is wrong with the demo's locations: they select the archive's objects, and generated data
 * has locations 1 to `stations`.
 *
 * @example demoLocationProblems(undefined, 'archive', { kind: 'ids', ids: [42] }, 10) // ['--locations 42: …']
 */
function demoLocationProblems(
  source: string | undefined,
  layout: LayoutSetting | undefined,
  locations: LocationsSpec | undefined,
  stations: number | undefined,
): string[] {
  if (locations === undefined) return [];
  if (layout === 'realtime' || (layout === 'auto' && source === undefined)) {
    return ['--locations selects archive locations: add --layout archive'];
  }
  if (source !== undefined || locations.kind !== 'ids' || stations === undefined) return [];
  const outside = locations.ids.filter((id) => id > stations);
  return outside.length === 0
    ? []
    : [
        `--locations ${outside.join(',')}: the generated archive has locations 1 to ${stations} (--stations): choose among them, or give --source`,
      ];
}

/** What the parser reads from the environment besides argv. */
export interface CommandEnvironment {
  readonly [variable: string]: string | number | undefined;
  DATABASE_URL?: string | undefined;
  FRESHET_START?: string | undefined;
  FRESHET_SOURCE?: string | undefined;
  now: number;
}

/**
 * Parses `freshet <command> [flags]`, collecting every problem before failing.
 *
 * @example
 * parseCommandLine(['ingest', '--start', '2014-01-01', '--end', '2014-01-02'], env)
 * // → { name: 'ingest', source: 's3://openaq-data-archive/records/csv.gz/', start: …, end: …, … }
 */
export function parseCommandLine(argv: readonly string[], env: CommandEnvironment): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { name: 'help', ...(rest[0] ? { topic: rest[0] } : {}) };
  }
  if (rest.includes('--help') || rest.includes('-h')) return { name: 'help', topic: first };
  const problems: string[] = [];
  const parsed = (settings: CommandSettings, args: readonly string[], positionals: boolean) => {
    const command = `freshet ${first}${settings === RUNS_COMPARE ? ' compare' : ''}`;
    const read = readArguments(settings, args, { command, positionals }, problems);
    return { flags: new FlagReader(read.values, env, problems), positionals: read.positionals };
  };
  const flagsOf = (settings: CommandSettings, args: readonly string[]) =>
    parsed(settings, args, false).flags;
  /** The database, when a flag or $DATABASE_URL names one (else the embedded one is used). */
  const database = (flags: FlagReader) => {
    const databaseUrl = flags.given(DATABASE_URL);
    return databaseUrl === undefined ? {} : { databaseUrl };
  };

  switch (first) {
    case 'ingest': {
      const flags = flagsOf(INGEST, rest);
      const values = {
        start: flags.given(INGEST.start),
        end: flags.given(INGEST.end),
        source: flags.value(INGEST.source),
        concurrency: flags.value(INGEST.concurrency),
        maxObjectBytes: flags.value(INGEST.maxObjectBytes),
        maxIntervals: flags.value(INGEST.maxIntervals),
      };
      const region = flags.given(INGEST.region);
      const endpoint = flags.given(INGEST.endpoint);
      const workers = flags.given(INGEST.workers);
      const layout = flags.value(INGEST.layout);
      const locations = locationsOf(
        flags.given(INGEST.locations),
        flags.given(INGEST.bbox),
        flags.given(INGEST.country),
        (message) => problems.push(message),
      );
      const openaqApiKey = flags.given(INGEST.openaqApiKey);
      const databaseUrl = database(flags);
      flags.order(INGEST_ORDER);
      return {
        name: 'ingest',
        ...complete(problems, values),
        ...databaseUrl,
        ...(region ? { region } : {}),
        ...(endpoint ? { endpoint } : {}),
        ...(workers !== undefined ? { workers } : {}),
        ...(layout !== undefined ? { layout } : {}),
        ...(locations !== undefined ? { locations } : {}),
        ...(openaqApiKey ? { openaqApiKey } : {}),
        anonymous: flags.on(INGEST.anonymous),
        json: flags.on(INGEST.json),
      };
    }
    case 'plan': {
      const flags = flagsOf(PLAN, rest);
      const values = {
        since: flags.given(PLAN.since),
        chunkMs: flags.value(PLAN.chunk),
        reprocess: flags.value(PLAN.reprocess),
        maxChunks: flags.value(PLAN.maxChunks),
        now: flags.given(PLAN.now) ?? env.now,
      };
      const until = flags.given(PLAN.until);
      const layout = flags.value(PLAN.layout);
      const source = flags.given(PLAN.source);
      const rereadMs = flags.value(PLAN.reread);
      // The archive's files come about 72 hours after their day: its settle delay, unless given.
      const settleMs = flags.given(PLAN.settle);
      const databaseUrl = database(flags);
      flags.order(PLAN_ORDER);
      const { since, ...others } = complete(problems, values);
      return {
        name: 'plan',
        since,
        ...(until !== undefined ? { until } : {}),
        ...others,
        settleMs: settleMs ?? (layout === 'archive' ? ARCHIVE_SETTLE_MS : DEFAULT_SETTLE_MS),
        ...(layout === 'archive' ? { layout, rereadMs } : {}),
        ...(source !== undefined ? { source } : {}),
        ...databaseUrl,
      };
    }
    case 'status': {
      const flags = flagsOf(STATUS, rest);
      const databaseUrl = database(flags);
      complete(problems, {});
      return { name: 'status', json: flags.on(STATUS.json), ...databaseUrl };
    }
    case 'db': {
      const [sub, ...more] = rest;
      if (sub !== 'migrate') {
        const named = sub === undefined || sub.startsWith('-') ? 'db' : `db ${sub}`;
        throw new UsageError(`unknown command \`${named}\`: use \`freshet db migrate\``);
      }
      const databaseUrl = database(flagsOf(MIGRATE, more));
      complete(problems, {});
      return { name: 'migrate', ...databaseUrl };
    }
    case 'generate-fetches': {
      const flags = flagsOf(GENERATE_FETCHES, rest);
      return {
        name: 'generate-fetches',
        ...complete(problems, {
          out: flags.given(GENERATE_FETCHES.out),
          start: flags.given(GENERATE_FETCHES.start),
          days: flags.given(GENERATE_FETCHES.days),
          stations: flags.value(GENERATE_FETCHES.stations),
          seed: flags.value(GENERATE_FETCHES.seed),
        }),
      };
    }
    case 'demo': {
      const flags = flagsOf(DEMO, rest);
      const values = {
        days: flags.value(DEMO.days),
        start: flags.value(DEMO.start),
        stations: flags.value(DEMO.stations),
        exit: flags.on(DEMO.exit),
      };
      if (values.start !== undefined && values.start % 86_400_000 !== 0) {
        problems.push('--start must be a day at 00:00 UTC, e.g. 2014-01-01');
      }
      const source = flags.given(DEMO.source);
      const layout = flags.value(DEMO.layout);
      const locations = flags.given(DEMO.locations);
      problems.push(...demoLocationProblems(source, layout, locations, values.stations));
      const databaseUrl = database(flags);
      return {
        name: 'demo',
        ...complete(problems, { ...values, layout }),
        ...(source === undefined ? {} : { source }),
        ...(locations === undefined ? {} : { locations }),
        ...databaseUrl,
      };
    }
    case 'train': {
      const flags = flagsOf(TRAIN, rest);
      const project = flags.given(TRAIN.project);
      const parameters = keyValues(flags.list(TRAIN.parameters), '-P', 'parameter', problems);
      const tags = keyValues(flags.list(TRAIN.tags), '-T', 'tag', problems);
      problems.push(...tagProblems(tags).map((p) => `-T: ${p}`));
      const timeoutMs = flags.given(TRAIN.timeout);
      const entryPoint = flags.given(TRAIN.entryPoint);
      const selection: SelectionOverrides = Object.fromEntries(
        (['station', 'variable', 'window', 'from', 'to'] as const).flatMap((name) => {
          const value = flags.given(TRAIN[name]);
          return value === undefined ? [] : [[name, value]];
        }),
      );
      const maxArtifactBytes = flags.value(TRAIN.maxArtifactBytes);
      const gitBase = flags.value(TRAIN.gitBase);
      const databaseUrl = database(flags);
      return {
        name: 'train',
        ...complete(problems, { project, maxArtifactBytes, gitBase }),
        ...(entryPoint ? { entryPoint } : {}),
        parameters,
        tags,
        selection,
        keepTable: flags.on(TRAIN.keepTable),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        json: flags.on(TRAIN.json),
        ...databaseUrl,
      };
    }
    case 'runs': {
      if (rest[0] === 'compare') {
        const { flags, positionals } = parsed(RUNS_COMPARE, rest.slice(1), true);
        const [one, other, ...more] = positionals;
        if (more.length > 0 || other === undefined) {
          problems.push(
            `\`freshet runs compare\` takes two run ids (or prefixes of at least 4 digits), got ${positionals.length}: freshet runs compare 3f2a9c1e 7b04d2aa`,
          );
        }
        const databaseUrl = database(flags);
        const { a, b } = complete(problems, { a: one, b: other });
        return { name: 'runs-compare', a, b, json: flags.on(RUNS_COMPARE.json), ...databaseUrl };
      }
      const flags = flagsOf(RUNS, rest);
      const experiment = flags.given(RUNS.experiment);
      const filter = flags.given(RUNS.filter);
      const limit = flags.value(RUNS.limit);
      const databaseUrl = database(flags);
      return {
        name: 'runs',
        ...(experiment ? { experiment } : {}),
        ...(filter ? { filter } : {}),
        ...complete(problems, { limit }),
        json: flags.on(RUNS.json),
        ...databaseUrl,
      };
    }
    case 'site': {
      const [sub, ...more] = rest;
      if (sub !== 'build' && sub !== 'serve') {
        const named = sub === undefined || sub.startsWith('-') ? 'site' : `site ${sub}`;
        throw new UsageError(
          `unknown command \`${named}\`: use \`freshet site build\` or \`freshet site serve\``,
        );
      }
      const settings = sub === 'build' ? SITE_BUILD : SITE_SERVE;
      const read = readArguments(settings, more, { command: `freshet site ${sub}` }, problems);
      const flags = new FlagReader(read.values, env, problems);
      if (sub === 'serve') {
        const dir = flags.given(SITE_SERVE.dir);
        const values = complete(problems, {
          port: flags.value(SITE_SERVE.port),
          base: flags.value(SITE_SERVE.base),
        });
        return { name: 'site-serve', ...(dir ? { dir } : {}), ...values };
      }
      const optional = {
        out: flags.given(SITE_BUILD.out),
        status: flags.given(SITE_BUILD.status),
        edgeUrl: flags.given(SITE_BUILD.edgeUrl),
        databaseUrl: flags.given(SITE_BUILD.databaseUrl),
      };
      const values = complete(problems, {
        choice: storeChoice(flags, SITE_BUILD, problems, true),
        base: flags.value(SITE_BUILD.base),
      });
      return {
        name: 'site-build',
        ...values.choice,
        base: values.base,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      };
    }
    case 'models':
    case 'publish':
    case 'promote':
      return parseRegistryCommand(first, rest, env);
    case 'serve': {
      const flags = flagsOf(SERVE, rest);
      const model = flags.given(SERVE.model);
      return {
        name: 'serve',
        ...complete(problems, { port: flags.value(SERVE.port) }),
        ...(model ? { model } : {}),
      };
    }
    case 'doctor': {
      const flags = flagsOf(DOCTOR, rest);
      const databaseUrl = flags.given(DOCTOR.databaseUrl);
      const region = flags.given(DOCTOR.region);
      const endpoint = flags.given(DOCTOR.endpoint);
      const locations = locationsOf(
        flags.given(DOCTOR.locations),
        flags.given(DOCTOR.bbox),
        flags.given(DOCTOR.country),
        (message) => problems.push(message),
      );
      const openaqApiKey = flags.given(DOCTOR.openaqApiKey);
      const values = complete(problems, {
        checks: flags.given(DOCTOR.checks) ?? [...DOCTOR_CHECKS],
        source: flags.value(DOCTOR.source),
        layout: flags.value(DOCTOR.layout),
        aliases: flags.value(DOCTOR.aliases),
        // The repository is kept for the Pages check whatever the store.
        choice: storeChoice(flags, DOCTOR, problems, true),
      });
      const { choice, ...chosen } = values;
      return {
        name: 'doctor',
        ...choice,
        ...chosen,
        ...(databaseUrl === undefined ? {} : { databaseUrl }),
        ...(region ? { region } : {}),
        ...(endpoint ? { endpoint } : {}),
        ...(locations === undefined ? {} : { locations }),
        ...(openaqApiKey ? { openaqApiKey } : {}),
        allowPendingMigrations: flags.on(DOCTOR.allowPendingMigrations),
        anonymous: flags.on(DOCTOR.anonymous),
        json: flags.on(DOCTOR.json),
      };
    }
    default:
      throw new UsageError(
        `unknown command \`${first}\`: one of ${COMMANDS.join(', ')} (see \`freshet --help\`)`,
      );
  }
}
