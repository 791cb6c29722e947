// The registry's commands in the command line's grammar: `models list`, `models show URI`,
// `publish --run ID`, `promote NAME VERSION --alias A [--pr]`. Pure, as parse.ts is.
import { UsageError } from '../lib/errors.ts';
import type { RepositoryRef } from '../lib/github/workflow-run.ts';
import { modelNameProblem } from '../lib/registry/names.ts';
import { type ModelUri, parseModelUri } from '../lib/registry/uri.ts';
import { DATABASE_URL } from '../lib/settings/common.ts';
import { complete } from '../lib/settings/complete.ts';
import {
  MODELS_BUNDLE,
  MODELS_LIST,
  MODELS_SHOW,
  MODELS_VALIDATE,
  PROMOTE,
  PUBLISH,
  type StoreKind,
} from '../lib/settings/registry.ts';
import { type CommandSettings, type FlagEnvironment, FlagReader, readArguments } from './flags.ts';

/** Which store a registry command uses, and how to reach GitHub's. */
export interface StoreChoice {
  readonly store: StoreKind;
  /** Set when the store is github. */
  readonly repository?: RepositoryRef;
  readonly githubApiUrl: string;
}

export type RegistryCommand =
  | ({ name: 'models-list'; json: boolean } & StoreChoice)
  | ({ name: 'models-show'; uri: ModelUri; json: boolean } & StoreChoice)
  | ({ name: 'models-validate'; file?: string; json: boolean } & StoreChoice)
  | ({ name: 'models-bundle'; out: string; before?: string } & StoreChoice)
  | ({ name: 'publish'; run: string; json: boolean; databaseUrl?: string } & StoreChoice)
  | ({
      name: 'promote';
      model: string;
      version: number;
      alias: string;
      pr: boolean;
      json: boolean;
      /** The registry site, linked from the pull request's body. */
      siteUrl?: string;
    } & StoreChoice);

/** The registry's commands, for the list of commands. */
export const REGISTRY_COMMANDS = ['models', 'publish', 'promote'] as const;

type StoreSettings = Pick<typeof MODELS_LIST, 'store' | 'repository' | 'githubApiUrl'>;

/**
 * Reads `--store`, `--repository` and `--github-api-url`; the repository is kept with the local
 * store only when `keepRepository` (the site links to its releases whatever the store).
 */
export function storeChoice(
  flags: FlagReader,
  settings: StoreSettings,
  problems: string[],
  keepRepository = false,
): StoreChoice | undefined {
  const store = flags.value(settings.store);
  const repository = flags.given(settings.repository);
  const githubApiUrl = flags.value(settings.githubApiUrl);
  if (store === 'github' && repository === undefined) {
    problems.push(
      '--store github needs the repository: --repository OWNER/REPO or $GITHUB_REPOSITORY',
    );
  }
  if (store === undefined || githubApiUrl === undefined) return undefined;
  return {
    store,
    githubApiUrl,
    ...((store === 'github' || keepRepository) && repository !== undefined ? { repository } : {}),
  };
}

/**
 * Parses a registry command (`first` is `models`, `publish` or `promote`), collecting every
 * problem before failing.
 *
 * @example
 * parseRegistryCommand('promote', ['ozone-forest', '3', '--alias', 'production'], env)
 * // { name: 'promote', model: 'ozone-forest', version: 3, alias: 'production', pr: false, store: 'local', … }
 */
export function parseRegistryCommand(
  first: (typeof REGISTRY_COMMANDS)[number],
  rest: readonly string[],
  env: FlagEnvironment,
): RegistryCommand {
  const problems: string[] = [];
  const read = (settings: CommandSettings, command: string, args: readonly string[]) => {
    const found = readArguments(settings, args, { command, positionals: true }, problems);
    return { flags: new FlagReader(found.values, env, problems), positionals: found.positionals };
  };
  switch (first) {
    case 'models': {
      const [sub, ...more] = rest;
      if (sub === 'list' || sub === undefined || sub.startsWith('-')) {
        const { flags, positionals } = read(
          MODELS_LIST,
          'freshet models list',
          sub === 'list' ? more : rest,
        );
        if (positionals.length > 0) problems.push('`freshet models list` takes no arguments');
        const choice = storeChoice(flags, MODELS_LIST, problems);
        const json = flags.on(MODELS_LIST.json);
        return { name: 'models-list', ...complete(problems, { choice }).choice, json };
      }
      if (sub === 'bundle') {
        const { flags, positionals } = read(MODELS_BUNDLE, 'freshet models bundle', more);
        if (positionals.length > 0) problems.push('`freshet models bundle` takes only flags');
        const out = flags.given(MODELS_BUNDLE.out);
        const before = flags.given(MODELS_BUNDLE.before);
        const choice = storeChoice(flags, MODELS_BUNDLE, problems);
        const values = complete(problems, { out, choice });
        return {
          name: 'models-bundle',
          out: values.out,
          ...(before === undefined ? {} : { before }),
          ...values.choice,
        };
      }
      if (sub === 'validate') {
        const { flags, positionals } = read(MODELS_VALIDATE, 'freshet models validate', more);
        if (positionals.length > 1) {
          problems.push(
            '`freshet models validate` takes at most one file: freshet models validate models/aliases.json',
          );
        }
        const choice = storeChoice(flags, MODELS_VALIDATE, problems);
        const json = flags.on(MODELS_VALIDATE.json);
        const file = positionals[0];
        return {
          name: 'models-validate',
          ...complete(problems, { choice }).choice,
          ...(file === undefined ? {} : { file }),
          json,
        };
      }
      if (sub !== 'show') {
        throw new UsageError(
          `unknown command \`models ${sub}\`: use \`freshet models list\`, \`freshet models show URI\` or \`freshet models validate [FILE]\``,
        );
      }
      const { flags, positionals } = read(MODELS_SHOW, 'freshet models show', more);
      let uri: ModelUri | undefined;
      if (positionals.length !== 1) {
        problems.push(
          `\`freshet models show\` takes one model URI, got ${positionals.length}: e.g. models:/ozone-forest@production, models:/ozone-forest/3 or runs:/<run id>/model.json`,
        );
      } else {
        try {
          uri = parseModelUri(positionals[0] ?? '');
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          problems.push(...error.problems);
        }
      }
      const choice = storeChoice(flags, MODELS_SHOW, problems);
      const json = flags.on(MODELS_SHOW.json);
      const values = complete(problems, { choice, uri });
      return { name: 'models-show', uri: values.uri, ...values.choice, json };
    }
    case 'publish': {
      const { flags, positionals } = read(PUBLISH, 'freshet publish', rest);
      if (positionals.length > 0) {
        problems.push('`freshet publish` takes only flags: freshet publish --run RUN_ID');
      }
      const run = flags.given(PUBLISH.run);
      const choice = storeChoice(flags, PUBLISH, problems);
      const databaseUrl = flags.given(DATABASE_URL);
      const json = flags.on(PUBLISH.json);
      const values = complete(problems, { run, choice });
      return {
        name: 'publish',
        run: values.run,
        ...values.choice,
        json,
        ...(databaseUrl === undefined ? {} : { databaseUrl }),
      };
    }
    case 'promote': {
      const { flags, positionals } = read(PROMOTE, 'freshet promote', rest);
      const [model, versionText] = positionals;
      let version: number | undefined;
      if (positionals.length !== 2 || model === undefined || versionText === undefined) {
        problems.push(
          `\`freshet promote\` takes a model name and a version, got ${positionals.length} arguments: freshet promote ozone-forest 3 --alias production`,
        );
      } else {
        const nameProblem = modelNameProblem(model);
        if (nameProblem) problems.push(nameProblem);
        if (/^[1-9][0-9]{0,14}$/.test(versionText)) version = Number(versionText);
        else problems.push(`version ${JSON.stringify(versionText)} must be a whole number from 1`);
      }
      const alias = flags.given(PROMOTE.alias);
      const pr = flags.on(PROMOTE.pr);
      const choice = storeChoice(flags, PROMOTE, problems);
      if (pr && choice?.store === 'local') {
        problems.push(
          '--pr opens a pull request on GitHub: add --store github (without --pr, promote edits the local aliases)',
        );
      }
      const siteUrl = flags.given(PROMOTE.siteUrl);
      const json = flags.on(PROMOTE.json);
      const values = complete(problems, { model, version, alias, choice });
      return {
        name: 'promote',
        model: values.model,
        version: values.version,
        alias: values.alias,
        pr,
        json,
        ...(siteUrl === undefined ? {} : { siteUrl }),
        ...values.choice,
      };
    }
  }
}
