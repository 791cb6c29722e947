// The ingest action: inputs → IngestSettings → ingest() → outputs, annotations and the job summary.
// It translates; the library decides.
import * as core from '@actions/core';
import { FreshetError } from '../lib/errors.ts';
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import {
  ingestAnnotations,
  rejectedTotal,
  renderIngestSummary,
} from '../lib/github/ingest-summary.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import { type RunnerEnv, workflowRunUrl } from '../lib/github/workflow-run.ts';
import type { IngestReport, IngestSettings } from '../lib/ingest/types.ts';
import { describeInterval } from '../lib/interval/range.ts';
import { INGEST, INGEST_ORDER, locationsOf } from '../lib/settings/ingest.ts';
import { inputDefaults, inputLabel } from '../lib/settings/setting.ts';
import { abortOnSignals } from '../signals.ts';
import { ingestWith } from '../wiring.ts';

/** What an empty input means, by input name (action.yml says the same: a test checks it). */
export const INGEST_INPUT_DEFAULTS = inputDefaults(INGEST);

/**
 * Reads the ingest action's inputs into IngestSettings, collecting every problem.
 *
 * @param env the runner's variables, for the run's URL (recorded in ops.ingest_runs)
 * @throws UsageError listing every problem
 * @example parseIngestInputs((name) => core.getInput(name), process.env)
 */
export function parseIngestInputs(read: ReadInput, env: RunnerEnv): IngestSettings {
  const inputs = new ActionInputs(read);
  // Read in action.yml's order, so that the problems are listed in it.
  const start = inputs.read(INGEST.start);
  const end = inputs.read(INGEST.end);
  const source = inputs.read(INGEST.source);
  const databaseUrl = inputs.read(INGEST.databaseUrl);
  const region = inputs.read(INGEST.region);
  const endpoint = inputs.read(INGEST.endpoint);
  const anonymous = inputs.read(INGEST.anonymous);
  const concurrency = inputs.read(INGEST.concurrency);
  const workers = inputs.read(INGEST.workers);
  const maxObjectBytes = inputs.read(INGEST.maxObjectBytes);
  const maxIntervals = inputs.read(INGEST.maxIntervals);
  const layout = inputs.read(INGEST.layout);
  const locations = locationsOf(
    inputs.read(INGEST.locations),
    inputs.read(INGEST.bbox),
    inputs.read(INGEST.country),
    (message) => inputs.problem(message),
  );
  const openaqApiKey = inputs.read(INGEST.openaqApiKey);
  inputs.order(INGEST_ORDER);
  const settings = inputs.finish({
    start,
    end,
    source,
    databaseUrl,
    region,
    anonymous,
    concurrency,
    maxObjectBytes,
    maxIntervals,
  });
  const runUrl = workflowRunUrl(env);
  return {
    ...settings,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(workers === undefined ? {} : { workers }),
    ...(layout === undefined ? {} : { layout }),
    ...(locations === undefined ? {} : { locations }),
    ...(openaqApiKey ? { openaqApiKey } : {}),
    ...(runUrl === undefined ? {} : { runUrl }),
    labels: {
      source: inputLabel(INGEST.source.action.input),
      maxIntervals: inputLabel(INGEST.maxIntervals.action.input),
    },
  };
}

/** The action's outputs, in action.yml. */
export type IngestOutput = 'objects' | 'accepted' | 'rejected' | 'failed' | 'json';

/** The action's outputs, as strings (what `core.setOutput` writes). */
export function ingestOutputs(report: IngestReport): Record<IngestOutput, string> {
  return {
    objects: String(report.objects),
    accepted: String(report.accepted),
    rejected: String(rejectedTotal(report)),
    failed: String(report.objects_failed),
    json: JSON.stringify(report),
  };
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  try {
    for (const secret of databaseUrlSecrets(core.getInput('database-url'))) core.setSecret(secret);
    const apiKey = core.getInput('openaq-api-key');
    if (apiKey !== '') core.setSecret(apiKey);
    const options = parseIngestInputs((name) => core.getInput(name), process.env);
    const range = { start: options.start, end: options.end };
    core.info(`Ingesting ${describeInterval(range)} from ${options.source}`);
    // GitHub cancels a job with SIGINT, then SIGTERM: the run stops, its started attempts are
    // recorded as failed, and the step still reports what was done.
    const report = await abortOnSignals((signal) =>
      ingestWith(options, {
        logger: actionsLogger(core),
        onProgress: (p) => core.info(`[${p.done}/${p.total}] ${p.label}`),
        signal,
      }),
    );
    for (const [name, value] of Object.entries(ingestOutputs(report))) core.setOutput(name, value);
    for (const { title, message } of ingestAnnotations(report)) core.warning(message, { title });
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addRaw(renderIngestSummary(report, { range, source: options.source }))
        .write();
    }
    if (report.stopped !== undefined) {
      throw new FreshetError(`the run stopped before the end of its range: ${report.stopped}`);
    }
    if (report.objects_failed > 0) {
      // The run is recorded as failed, so the next run plans these intervals again; failing the step
      // makes the workflow (and the failure issue) say so.
      const objects = report.objects_failed === 1 ? 'object' : 'objects';
      throw new FreshetError(
        `${report.objects_failed} ${objects} could not be loaded: see the job summary`,
      );
    }
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}
