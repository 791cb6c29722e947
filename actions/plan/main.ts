// The plan action: inputs → PlanSettings → plan() → the matrix output. It translates; the library decides.
import * as core from '@actions/core';
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { readDatabaseUrl } from '../lib/github/database-url.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { planIsCapped, renderPlanSummary } from '../lib/github/plan-summary.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import type { PlanSettings } from '../lib/ingest/types.ts';
import { parseDuration } from '../lib/interval/duration.ts';
import { parseAlignedInstant } from '../lib/interval/instant.ts';
import { MAX_CHUNKS_LIMIT } from '../lib/interval/planner.ts';
import { parseReprocessMode } from '../lib/interval/reprocess.ts';
import { planWith } from '../wiring.ts';

/** What an empty input means; action.yml documents the same defaults (a test keeps them equal). */
export const PLAN_INPUT_DEFAULTS = {
  chunk: '1h',
  reprocess: 'missing',
  'max-chunks': String(MAX_CHUNKS_LIMIT),
  settle: '30m',
} as const;

/**
 * Reads the plan action's inputs into PlanSettings, collecting every problem.
 *
 * @param now the clock (epoch ms), the one place a plan reads it
 * @throws UsageError listing every problem
 * @example parsePlanInputs((name) => core.getInput(name), Date.now())
 */
export function parsePlanInputs(read: ReadInput, now: number): PlanSettings {
  const inputs = new ActionInputs(read);
  const since = inputs.parse('since', '', parseAlignedInstant);
  const until = inputs.optional('until', parseAlignedInstant);
  const chunkMs = inputs.parse('chunk', PLAN_INPUT_DEFAULTS.chunk, parseDuration);
  const reprocess = inputs.parse('reprocess', PLAN_INPUT_DEFAULTS.reprocess, parseReprocessMode);
  const maxChunks = inputs.integer('max-chunks', Number(PLAN_INPUT_DEFAULTS['max-chunks']), {
    min: 1,
    max: MAX_CHUNKS_LIMIT,
    why: `GitHub runs at most ${MAX_CHUNKS_LIMIT} jobs per matrix`,
  });
  const settleMs = inputs.parse('settle', PLAN_INPUT_DEFAULTS.settle, parseDuration);
  const databaseUrl = readDatabaseUrl(inputs);
  if (since !== undefined && until !== undefined && until <= since) {
    inputs.problem(
      `input 'until' ${inputs.text('until')} is not after input 'since' ${inputs.text('since')}: a backfill needs at least one interval`,
    );
  }
  inputs.finish();
  // finish() returned: every required value above parsed.
  return {
    databaseUrl: databaseUrl!,
    since: since!,
    ...(until === undefined ? {} : { until }),
    chunkMs: chunkMs!,
    reprocess: reprocess!,
    maxChunks: maxChunks!,
    settleMs: settleMs!,
    now,
  };
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  try {
    for (const secret of databaseUrlSecrets(core.getInput('database-url'))) core.setSecret(secret);
    const options = parsePlanInputs((name) => core.getInput(name), Date.now());
    const matrix = await planWith(options, { logger: actionsLogger(core) });
    core.setOutput('matrix', JSON.stringify(matrix));
    core.setOutput('count', String(matrix.include.length));
    core.info(`${matrix.include.length} chunks due`);
    if (planIsCapped(matrix, options)) {
      core.notice(
        `The plan holds max-chunks (${options.maxChunks}) chunks: if more are due, the next run plans them.`,
      );
    }
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary.addRaw(renderPlanSummary(matrix, options)).write();
    }
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}
