// The registry's commands: `models list`, `models show URI`, `publish`, `promote`. Each turns its
// parsed command into one library call through registry-wiring.ts, then prints.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../lib/errors.ts';
import { aliasChanges, namedVersions } from '../lib/registry/aliases.ts';
import { readAliasesFile, writeAliasesFile } from '../lib/registry/aliases-file.ts';
import { aliasesSummary, bundleAliases } from '../lib/registry/bundle.ts';
import { formatMetric, modelCard, persistenceSkill } from '../lib/registry/card.ts';
import { InvalidDocumentError } from '../lib/registry/errors.ts';
import { ALIASES_PATH } from '../lib/registry/github-store.ts';
import { planPromotion } from '../lib/registry/promote.ts';
import { proposePromotion } from '../lib/registry/propose.ts';
import { runArtifactsDir } from '../lib/registry/publish-run.ts';
import type { RegistryStore } from '../lib/registry/store.ts';
import { resolveModelUri } from '../lib/registry/uri.ts';
import { aliasesProblemsInStore } from '../lib/registry/validate.ts';
import { formatTable } from '../lib/util/table.ts';
import {
  githubClientFor,
  localRegistry,
  publishWith,
  type RegistryShellContext,
  registryStore,
  repositoryOf,
} from '../registry-wiring.ts';
import type { RegistryCommand } from './parse-registry.ts';

/** Runs a registry command; resolves to the exit status. */
export async function executeRegistry(
  command: RegistryCommand,
  out: (line: string) => void,
  context: RegistryShellContext,
): Promise<number> {
  switch (command.name) {
    case 'models-list':
      return modelsList(command, out, context);
    case 'models-show':
      return modelsShow(command, out, context);
    case 'models-validate':
      return modelsValidate(command, out, context);
    case 'models-bundle': {
      const store = registryStore(command, context);
      const aliases = await readAliasesFile(join(dirname(context.stateDir), ALIASES_PATH));
      const before = command.before === undefined ? {} : await readAliasesFile(command.before);
      const bundled = await bundleAliases(store, aliases, command.out);
      out(aliasesSummary(aliasChanges(before, aliases), bundled));
      return 0;
    }
    case 'publish': {
      const result = await publishWith(command, context);
      const { name, version } = result.manifest;
      out(
        command.json
          ? JSON.stringify({ name, version, uri: result.uri })
          : `published ${result.uri} (${command.store}: ${registryStore(command, context).location})`,
      );
      return 0;
    }
    case 'promote':
      return promote(command, out, context);
  }
}

async function modelsList(
  command: Extract<RegistryCommand, { name: 'models-list' }>,
  out: (line: string) => void,
  context: RegistryShellContext,
): Promise<number> {
  const store = registryStore(command, context);
  const [models, aliases] = await Promise.all([store.list(), store.aliases()]);
  if (command.json) {
    out(
      JSON.stringify({
        models: models.map((m) => ({
          name: m.name,
          versions: m.versions,
          latest: m.versions.at(-1) ?? null,
          aliases: aliases[m.name] ?? {},
        })),
      }),
    );
    return 0;
  }
  if (models.length === 0) {
    out(`no model is published in ${store.location} yet: see \`freshet publish --help\``);
    return 0;
  }
  const rows: (string | number)[][] = [];
  for (const model of models) {
    const latest = model.versions.at(-1) ?? 0;
    const manifest = await store.get(model.name, latest);
    const skill = persistenceSkill(manifest.metrics);
    const rmse = manifest.metrics.rmse;
    rows.push([
      model.name,
      model.versions.length,
      latest,
      Object.entries(aliases[model.name] ?? {})
        .map(([alias, v]) => `${alias}=v${v}`)
        .join(' '),
      rmse === undefined ? '' : formatMetric(rmse),
      skill === undefined ? '' : formatMetric(skill),
    ]);
  }
  out(formatTable(['model', 'versions', 'latest', 'aliases', 'rmse', 'skill'], rows));
  return 0;
}

async function modelsShow(
  command: Extract<RegistryCommand, { name: 'models-show' }>,
  out: (line: string) => void,
  context: RegistryShellContext,
): Promise<number> {
  const { uri } = command;
  if (uri.kind === 'run') {
    // A run's artifact is on this machine, where the run kept it.
    const path = join(runArtifactsDir(context.stateDir, uri.runId), ...uri.artifact.split('/'));
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      throw new UsageError(
        `runs:/${uri.runId}/${uri.artifact}: no such artifact here (${path}): give the run's full id`,
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const facts = {
      run_id: uri.runId,
      artifact: uri.artifact,
      path,
      size: bytes.byteLength,
      sha256,
    };
    out(
      command.json ? JSON.stringify(facts) : `${path}\n${bytes.byteLength} bytes, sha256 ${sha256}`,
    );
    return 0;
  }
  const store = registryStore(command, context);
  const ref = resolveModelUri(
    uri,
    uri.kind === 'alias' ? await store.aliases() : {},
    await store.versions(uri.name),
  );
  const manifest = await store.get(ref.name, ref.version);
  out(command.json ? JSON.stringify(manifest) : modelCard(manifest));
  return 0;
}

async function modelsValidate(
  command: Extract<RegistryCommand, { name: 'models-validate' }>,
  out: (line: string) => void,
  context: RegistryShellContext,
): Promise<number> {
  const file = command.file ?? join(dirname(context.stateDir), ALIASES_PATH);
  const store = registryStore(command, context);
  let problems: string[];
  let versions: { name: string; version: number }[] = [];
  try {
    const aliases = await readAliasesFile(file);
    versions = namedVersions(aliases);
    problems = await aliasesProblemsInStore(store, aliases);
  } catch (error) {
    if (!(error instanceof InvalidDocumentError)) throw error;
    problems = error.problems.map((p) => `${file}: ${p}`);
  }
  if (command.json) out(JSON.stringify({ file, versions, problems }));
  else if (problems.length === 0) {
    out(
      `${file}: ${versions.length} versions named, each exists in ${store.location} and verifies`,
    );
  } else for (const problem of problems) context.logger.error(problem);
  return problems.length === 0 ? 0 : 1;
}

async function promote(
  command: Extract<RegistryCommand, { name: 'promote' }>,
  out: (line: string) => void,
  context: RegistryShellContext,
): Promise<number> {
  const target = { name: command.model, version: command.version, alias: command.alias };
  const report = (from: number | undefined, extra: Record<string, unknown>, text: string) => {
    out(command.json ? JSON.stringify({ ...target, from: from ?? null, ...extra }) : text);
    return 0;
  };
  if (command.store === 'local') {
    const store = localRegistry(context);
    const plan = await planPromotion(store, target);
    await store.setAliases(plan.after);
    const from = plan.before[target.name]?.[target.alias];
    return report(
      from,
      {},
      `${target.name}@${target.alias}: ${from === undefined ? 'none' : `v${from}`} → v${target.version} (${store.location}/aliases.json)`,
    );
  }
  if (!command.pr) {
    // Against GitHub without --pr: the working tree's models/aliases.json, for a commit of one's own.
    const path = join(dirname(context.stateDir), ALIASES_PATH);
    const store = registryStore(command, context);
    const before = await readAliasesFile(path);
    const plan = await planPromotion(store, target, before);
    await writeAliasesFile(path, plan.after);
    const from = before[target.name]?.[target.alias];
    return report(
      from,
      { file: path },
      `${target.name}@${target.alias}: ${from === undefined ? 'none' : `v${from}`} → v${target.version} in ${path}: commit it, or run again with --pr`,
    );
  }
  const token = context.env.FRESHET_PR_TOKEN || context.env.GITHUB_TOKEN;
  const client = githubClientFor(command, context, token);
  const store: RegistryStore = registryStore(command, context, { client });
  const { plan, pullRequest: pr } = await proposePromotion(
    store,
    client,
    repositoryOf(command),
    target,
    { siteUrl: command.siteUrl },
  );
  const from = plan.before[target.name]?.[target.alias];
  return report(
    from,
    { pull_request: { number: pr.number, url: pr.url, created: pr.created } },
    `${pr.created ? 'opened' : 'updated'} pull request #${pr.number} (${pr.url}): ${target.name}@${target.alias} → v${target.version}`,
  );
}
