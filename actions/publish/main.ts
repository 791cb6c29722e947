// The publish action: a training run → a new model version (a release, by default) → the
// promotion pull request on promote/<name>, validated first, compared with production. It
// translates; the library decides. onnxruntime-node (to make model.onnx when a project wrote none)
// is not bundled: the job runs `npm ci` first, and the bundle finds it in node_modules.
import * as core from '@actions/core';
import { actionsLogger } from '../lib/github/actions-logger.ts';
import { createGitHubClient } from '../lib/github/client.ts';
import { failureMessage } from '../lib/github/failure-message.ts';
import { databaseUrlSecrets } from '../lib/github/secrets.ts';
import { modelCard } from '../lib/registry/card.ts';
import { ALIASES_PATH } from '../lib/registry/github-store.ts';
import { promotionTitle } from '../lib/registry/promotion-body.ts';
import { proposePromotion } from '../lib/registry/propose.ts';
import { disableOnnxTelemetry } from '../onnx-telemetry.ts';
import { publishWith, type RegistryShellContext, registryStore } from '../registry-wiring.ts';
import { type PublishActionOptions, parsePublishInputs } from './inputs.ts';

/** The outputs run() writes. */
export const PUBLISH_OUTPUTS = [
  'name',
  'version',
  'uri',
  'validation',
  'pull-request-number',
  'pull-request-url',
] as const;

async function publishAndPropose(
  options: PublishActionOptions,
  context: RegistryShellContext,
): Promise<Record<(typeof PUBLISH_OUTPUTS)[number], string> & { summary: string }> {
  const client =
    options.store === 'github'
      ? createGitHubClient({
          token: options.token,
          apiUrl: options.githubApiUrl,
          logger: context.logger,
        })
      : undefined;
  const settings = {
    store: options.store,
    repository: options.repository,
    githubApiUrl: options.githubApiUrl,
  };
  const store = registryStore(settings, context, client === undefined ? {} : { client });
  const result = await publishWith(
    { ...settings, run: options.run, databaseUrl: options.databaseUrl },
    context,
    store,
  );
  const { manifest } = result;
  const outputs = {
    name: manifest.name,
    version: String(manifest.version),
    uri: result.uri,
    validation: '',
    'pull-request-number': '',
    'pull-request-url': '',
  };
  let summary = modelCard(manifest);
  if (!options.pullRequest || client === undefined || options.repository === undefined) {
    return { ...outputs, summary };
  }
  // Pull requests opened with the job's own token start no workflow: a personal token lets the
  // aliases check run on it.
  const prClient =
    options.prToken === undefined
      ? client
      : createGitHubClient({
          token: options.prToken,
          apiUrl: options.githubApiUrl,
          logger: context.logger,
        });
  const { plan, pullRequest: pr } = await proposePromotion(
    store,
    prClient,
    options.repository,
    {
      name: manifest.name,
      version: manifest.version,
      alias: options.alias,
    },
    { siteUrl: options.siteUrl },
  );
  if (plan.validation.length > 0) {
    core.warning(plan.validation.join('\n'), { title: `${ALIASES_PATH} would not validate` });
  }
  const title = promotionTitle(manifest.name, manifest.version, options.alias);
  summary += `\n### Promotion\n\n[${title}](${pr.url}) (#${pr.number}, ${pr.created ? 'opened' : 'updated'}).\n`;
  return {
    ...outputs,
    validation: plan.validation.length === 0 ? 'passed' : 'failed',
    'pull-request-number': String(pr.number),
    'pull-request-url': pr.url,
    summary,
  };
}

/** Runs the action; every failure ends in `core.setFailed`. Exported for tests. */
export async function run(): Promise<void> {
  disableOnnxTelemetry(process.env);
  try {
    for (const secret of databaseUrlSecrets(core.getInput('database-url'))) core.setSecret(secret);
    for (const name of ['token', 'pr-token']) {
      const token = core.getInput(name);
      if (token !== '') core.setSecret(token);
    }
    const options = parsePublishInputs((name) => core.getInput(name), process.env);
    const { summary, ...outputs } = await publishAndPropose(options, {
      logger: actionsLogger(core),
      stateDir: options.stateDir,
      env: process.env,
    });
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write();
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}
