// The plan action: inputs → PlanSettings → plan() → the matrix output. It translates; the library decides.
import * as core from '@actions/core';
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { planIsCapped, renderPlanSummary } from '../lib/github/plan-summary.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import { workflowRunUrl } from '../lib/github/workflow-run.ts';
import type { PlanSettings } from '../lib/ingest/types.ts';
import { PLAN, PLAN_ORDER } from '../lib/settings/plan.ts';
import { inputDefaults } from '../lib/settings/setting.ts';
import { planWith } from '../wiring.ts';

/** What an empty input means, by input name (action.yml says the same: a test checks it). */
export const PLAN_INPUT_DEFAULTS = inputDefaults(PLAN);

/**
 * Reads the plan action's inputs into PlanSettings, collecting every problem.
 *
 * @param now the clock (epoch ms), the one place a plan reads it
 * @throws UsageError listing every problem
 * @example parsePlanInputs((name) => core.getInput(name), Date.now())
 */
export function parsePlanInputs(read: ReadInput, now: number): PlanSettings {
  const inputs = new ActionInputs(read);
  // Read in action.yml's order, so that the problems are listed in it.
  const since = inputs.read(PLAN.since);
  const until = inputs.read(PLAN.until);
  const chunkMs = inputs.read(PLAN.chunk);
  const reprocess = inputs.read(PLAN.reprocess);
  const maxChunks = inputs.read(PLAN.maxChunks);
  const settleMs = inputs.read(PLAN.settle);
  const databaseUrl = inputs.read(PLAN.databaseUrl);
  const layout = inputs.read(PLAN.layout);
  const source = inputs.read(PLAN.source);
  const rereadMs = inputs.read(PLAN.reread);
  inputs.order(PLAN_ORDER);
  const settings = inputs.finish({ databaseUrl, since, chunkMs, reprocess, maxChunks, settleMs });
  return {
    ...settings,
    ...(until === undefined ? {} : { until }),
    ...(layout === undefined || layout === 'realtime' ? {} : { layout }),
    ...(source === undefined ? {} : { source }),
    ...(layout === 'archive' && rereadMs !== undefined ? { rereadMs } : {}),
    now,
  };
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  try {
    for (const secret of databaseUrlSecrets(core.getInput('database-url'))) core.setSecret(secret);
    const options = parsePlanInputs((name) => core.getInput(name), Date.now());
    // The workflow's ingest jobs take these intervals over: a plan made before they start (a
    // schedule while a backfill waits behind max-parallel) does not plan them again.
    const matrix = await planWith(
      { ...options, recordLeases: true, runUrl: workflowRunUrl(process.env) },
      { logger: actionsLogger(core) },
    );
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
