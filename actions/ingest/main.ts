// The ingest action: inputs → IngestSettings → ingest() → outputs, annotations and the job summary.
// It translates; the library decides.
import * as core from '@actions/core';
import { FreshetError } from '../lib/errors.ts';
import { ActionInputs, type ReadInput } from '../lib/github/action-inputs.ts';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { readDatabaseUrl } from '../lib/github/database-url.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import {
  ingestAnnotations,
  rejectedTotal,
  renderIngestSummary,
} from '../lib/github/ingest-summary.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import { type RunnerEnv, workflowRunUrl } from '../lib/github/workflow-run.ts';
import type { IngestReport, IngestSettings } from '../lib/ingest/types.ts';
import { parseAlignedInstant } from '../lib/interval/instant.ts';
import { describeInterval } from '../lib/interval/range.ts';
import { ingestWith } from '../wiring.ts';

/** What an empty input means; action.yml documents the same defaults (a test keeps them equal). */
export const INGEST_INPUT_DEFAULTS = {
  source: 's3://openaq-fetches/realtime-gzipped/',
  region: 'us-east-1',
  endpoint: '',
  anonymous: 'true',
  concurrency: '3',
} as const;

/** More parallel loads than this only adds lock contention on a small database. */
export const MAX_CONCURRENCY = 32;

/**
 * Reads the ingest action's inputs into IngestSettings, collecting every problem.
 *
 * @param env the runner's variables, for the run's URL (recorded in ops.ingest_runs)
 * @throws UsageError listing every problem
 * @example parseIngestInputs((name) => core.getInput(name), process.env)
 */
export function parseIngestInputs(read: ReadInput, env: RunnerEnv): IngestSettings {
  const inputs = new ActionInputs(read);
  const start = inputs.parse('start', '', parseAlignedInstant);
  const end = inputs.parse('end', '', parseAlignedInstant);
  const source = inputs.text('source', INGEST_INPUT_DEFAULTS.source);
  if (!/^(?:s3|file):\/\/./.test(source)) {
    inputs.problem(
      `input 'source' ${JSON.stringify(source)} is neither s3://bucket/prefix/ nor file:///path/`,
    );
  }
  const databaseUrl = readDatabaseUrl(inputs);
  const region = inputs.text('region', INGEST_INPUT_DEFAULTS.region);
  const endpoint = inputs.text('endpoint', INGEST_INPUT_DEFAULTS.endpoint);
  if (endpoint !== '' && !/^https?:\/\/./.test(endpoint)) {
    inputs.problem(
      `input 'endpoint' ${JSON.stringify(endpoint)} is not an http:// or https:// URL`,
    );
  }
  const anonymous = inputs.boolean('anonymous', INGEST_INPUT_DEFAULTS.anonymous === 'true');
  const concurrency = inputs.integer('concurrency', Number(INGEST_INPUT_DEFAULTS.concurrency), {
    min: 1,
    max: MAX_CONCURRENCY,
  });
  if (start !== undefined && end !== undefined && end <= start) {
    inputs.problem(
      `input 'end' ${inputs.text('end')} is not after input 'start' ${inputs.text('start')}: a chunk holds at least one interval`,
    );
  }
  inputs.finish();
  const runUrl = workflowRunUrl(env);
  // finish() returned: every required value above parsed.
  return {
    start: start!,
    end: end!,
    source,
    databaseUrl: databaseUrl!,
    region,
    ...(endpoint === '' ? {} : { endpoint }),
    anonymous: anonymous!,
    concurrency: concurrency!,
    ...(runUrl === undefined ? {} : { runUrl }),
  };
}

/** The action's outputs, as strings (what `core.setOutput` writes). */
export function ingestOutputs(report: IngestReport): Record<string, string> {
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
    const options = parseIngestInputs((name) => core.getInput(name), process.env);
    const range = { start: options.start, end: options.end };
    core.info(`Ingesting ${describeInterval(range)} from ${options.source}`);
    const report = await ingestWith(options, {
      logger: actionsLogger(core),
      onProgress: (p) => core.info(`[${p.done}/${p.total}] ${p.label}`),
    });
    for (const [name, value] of Object.entries(ingestOutputs(report))) core.setOutput(name, value);
    for (const { title, message } of ingestAnnotations(report)) core.warning(message, { title });
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addRaw(renderIngestSummary(report, { range, source: options.source }))
        .write();
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
