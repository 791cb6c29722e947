// `freshet plan` and the plan action: which chunks of intervals are due.

import { UsageError } from '../errors.ts';
import { DEFAULT_REREAD_MS } from '../ingest/plan-archive.ts';
import { formatDuration, HOUR_MS, parseDuration } from '../interval/duration.ts';
import { parseAlignedInstant, parseInstant } from '../interval/instant.ts';
import { DEFAULT_SETTLE_MS, MAX_CHUNKS_LIMIT } from '../interval/planner.ts';
import { parseReprocessMode } from '../interval/reprocess.ts';
import { DATABASE_URL } from './common.ts';
import { parseText, wholeNumber } from './parsers.ts';
import type { OrderRule, Setting } from './setting.ts';

/** One ingest job's chunk, unless told otherwise: six intervals, one job a scheduled run. */
export const DEFAULT_CHUNK_MS = HOUR_MS;

/** The plan settings, in action.yml's order. */
export const PLAN = {
  since: {
    name: 'since',
    help: 'start of the catch-up or backfill, aligned to 10 minutes',
    placeholder: 'ISO',
    parse: parseAlignedInstant,
    cli: { flag: 'since', required: true, env: 'FRESHET_START' },
    action: {
      input: 'since',
      description:
        'Start of the catch-up (a scheduled run: FRESHET_START) or of a backfill. An ISO 8601 ' +
        'instant aligned to 10 minutes, e.g. 2016-01-01T00:00:00Z.',
      required: true,
    },
  },
  until: {
    name: 'until',
    help: 'end of a backfill (exclusive), aligned to 10 minutes; without it, a scheduled catch-up',
    placeholder: 'ISO',
    parse: parseAlignedInstant,
    cli: { flag: 'until' },
    action: {
      input: 'until',
      description:
        'End of a backfill (exclusive), aligned to 10 minutes. Empty for a scheduled run, which ' +
        'plans every interval since `since` that has settled and has no successful attempt.',
    },
  },
  chunk: {
    name: 'chunk',
    help: 'chunk length: 10m, 1h, 1d… (a multiple of 10 minutes), chunks aligned to the epoch',
    placeholder: 'D',
    default: formatDuration(DEFAULT_CHUNK_MS),
    parse: parseDuration,
    cli: { flag: 'chunk' },
    action: {
      input: 'chunk',
      description:
        "Length of one ingest job's chunk: a multiple of 10 minutes written as 10m, 1h or 1d. " +
        'Chunks are aligned to the epoch (a 1h chunk starts on the hour).',
    },
  },
  reprocess: {
    name: 'reprocess',
    help: 'missing | failed | outdated (older rules version) | all',
    placeholder: 'MODE',
    default: 'missing',
    parse: parseReprocessMode,
    cli: { flag: 'reprocess' },
    action: {
      input: 'reprocess',
      description:
        'Which intervals are due besides those never ingested successfully: missing (none), ' +
        'failed (whose latest attempt failed), outdated (ingested under older rules) or all.',
    },
  },
  maxChunks: {
    name: 'max-chunks',
    help: `at most N chunks (1 to ${MAX_CHUNKS_LIMIT}, GitHub's limit of jobs per matrix)`,
    placeholder: 'N',
    default: String(MAX_CHUNKS_LIMIT),
    parse: wholeNumber({
      min: 1,
      max: MAX_CHUNKS_LIMIT,
      why: `GitHub runs at most ${MAX_CHUNKS_LIMIT} jobs per matrix`,
    }),
    cli: { flag: 'max-chunks' },
    action: {
      input: 'max-chunks',
      description:
        `At most this many chunks (1 to ${MAX_CHUNKS_LIMIT}, GitHub's limit of jobs per matrix); ` +
        'the oldest due are planned first and the rest wait for the next run.',
    },
  },
  settle: {
    name: 'settle',
    help: 'plan only intervals that ended at least this long ago, since uploads lag',
    placeholder: 'D',
    default: formatDuration(DEFAULT_SETTLE_MS),
    parse: parseDuration,
    cli: { flag: 'settle' },
    action: {
      input: 'settle',
      description:
        'A scheduled run plans only intervals that ended at least this long ago (uploads to the ' +
        'source lag), e.g. 30m.',
    },
  },
  now: {
    name: 'now',
    help: 'the clock',
    placeholder: 'ISO',
    otherwise: 'now',
    parse: parseInstant,
    cli: { flag: 'now' },
  },
  databaseUrl: DATABASE_URL,
  layout: {
    name: 'layout',
    help: 'plan for the realtime layout (10-minute intervals) or the archive (UTC days, settled 72h)',
    placeholder: 'L',
    default: 'realtime',
    parse: parsePlanLayout,
    cli: { flag: 'layout' },
    action: {
      input: 'layout',
      description:
        "The layout planned for: realtime (10-minute intervals) or archive (UTC days; a scheduled run also re-reads the last `reread` of them, for OpenAQ's re-exports). Each layout keeps its own watermark.",
    },
  },
  source: {
    name: 'source',
    help: 'only attempts from this source count (the watermark is kept per source and layout)',
    placeholder: 'URL',
    otherwise: 'every source',
    parse: parseText,
    cli: { flag: 'source' },
    action: {
      input: 'source',
      description:
        'Only attempts that read this source count (the watermark is kept per source and layout); empty: every source.',
    },
  },
  reread: {
    name: 'reread',
    help: 'archive: the last days a scheduled run reads again (changed objects only are loaded)',
    placeholder: 'D',
    default: formatDuration(DEFAULT_REREAD_MS),
    parse: parseDuration,
    cli: { flag: 'reread' },
    action: {
      input: 'reread',
      description:
        'Archive layout: how many of the last days a scheduled run plans again, whatever their state, since OpenAQ may re-export them (objects whose ETag is unchanged are skipped), e.g. 14d.',
    },
  },
} as const satisfies Record<string, Setting<unknown>>;

/** Reads the plan's `layout`. */
function parsePlanLayout(text: string, label: string): 'realtime' | 'archive' {
  const layout = text.trim();
  if (layout === 'realtime' || layout === 'archive') return layout;
  throw new UsageError(`${label} ${JSON.stringify(text)} is not realtime or archive`);
}

/** A backfill ends after it starts. */
export const PLAN_ORDER: OrderRule = {
  later: PLAN.until,
  earlier: PLAN.since,
  why: 'a backfill needs at least one interval',
};
