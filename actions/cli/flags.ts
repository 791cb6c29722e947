// Reading a command's flags as its settings describe them (lib/settings/): node:util's options, the
// environment variables a flag falls back to, defaults, parsers, and every problem collected.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { collectProblems } from '../lib/errors.ts';
import { orderProblem, type ReadSetting } from '../lib/settings/complete.ts';
import {
  type AnySetting,
  type FlagSpec,
  flagLabel,
  type OrderRule,
  type Setting,
} from '../lib/settings/setting.ts';

/** A command's settings, by the name the shell reads them with. */
export type CommandSettings = Readonly<Record<string, AnySetting>>;

/** The environment variables a flag may fall back to (`FRESHET_START`, `DATABASE_URL`). */
export type FlagEnvironment = Readonly<Record<string, string | number | undefined>>;

/** What node:util's parseArgs returns as `values`. */
export type FlagValues = Readonly<
  Record<string, string | boolean | (string | boolean)[] | undefined>
>;

/**
 * node:util's options for the settings the command line takes: a switch for a setting without a
 * placeholder, a string otherwise.
 *
 * @example flagOptions(PLAN).chunk // { type: 'string' }
 */
export function flagOptions(settings: CommandSettings): ParseArgsOptionsConfig {
  const options: ParseArgsOptionsConfig = {};
  for (const setting of Object.values(settings)) {
    const spec = setting.cli;
    if (spec === undefined) continue;
    options[spec.flag] = {
      type: setting.placeholder === undefined ? 'boolean' : 'string',
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === true ? { multiple: true } : {}),
    };
  }
  return options;
}

/**
 * Joins each flag that takes a value with a next argument that starts with `-` and a digit
 * (`--station -33.87,151.21` → `--station=-33.87,151.21`): parseArgs reads any argument starting
 * with `-` as an option, so a southern or western coordinate, a negative number or a duration
 * written so would otherwise be refused with "Did you forget to specify the option argument?".
 * No flag starts with a dash and a digit, so nothing else changes meaning. Arguments after `--`
 * are left alone.
 *
 * @example joinDashValues(['--station', '-33.87,151.21'], { station: { type: 'string' } })
 * // ['--station=-33.87,151.21']
 */
export function joinDashValues(args: readonly string[], options: ParseArgsOptionsConfig): string[] {
  const takesValue = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    takesValue.set(`--${name}`, name);
    if (option.short !== undefined) takesValue.set(`-${option.short}`, name);
  }
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue; // i < args.length: never
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    const name = takesValue.get(arg);
    const next = args[i + 1];
    if (name !== undefined && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** The flags and positional arguments of a command line, read leniently. */
export interface ReadArguments {
  readonly values: FlagValues;
  readonly positionals: string[];
}

/** The edit distance of two short strings (for "did you mean"). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Reads a command's arguments as its settings describe them, leniently: every problem node:util's
 * strict parseArgs would stop at (an unknown flag, a missing value, a value given to a switch, an
 * argument where none is taken) is recorded in `problems`, each naming the flag and the fix, and
 * reading goes on, so that the command's other problems are reported with them.
 *
 * @param command how messages name the command: `freshet train`
 * @example
 * const problems: string[] = [];
 * readArguments(TRAIN, ['--project', 'p', '--bogus'], { command: 'freshet train' }, problems);
 * // problems: ['unknown flag --bogus: see `freshet train --help`']
 */
export function readArguments(
  settings: CommandSettings,
  args: readonly string[],
  context: { readonly command: string; readonly positionals?: boolean },
  problems: string[],
): ReadArguments {
  const options = flagOptions(settings);
  const placeholders = new Map<string, string>();
  for (const setting of Object.values(settings)) {
    if (setting.cli !== undefined && setting.placeholder !== undefined) {
      placeholders.set(setting.cli.flag, setting.placeholder);
    }
  }
  const values: Record<string, string | boolean | (string | boolean)[]> = {};
  const positionals: string[] = [];
  const help = `see \`${context.command} --help\``;
  let remaining = joinDashValues(args, options);
  while (remaining.length > 0) {
    const { tokens } = parseArgs({
      args: remaining,
      options,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    let restartAt: number | undefined;
    for (const token of tokens) {
      if (token.kind === 'option-terminator') continue;
      if (token.kind === 'positional') {
        if (context.positionals === true) positionals.push(token.value);
        else {
          problems.push(
            `unexpected argument ${JSON.stringify(token.value)}: \`${context.command}\` takes only flags, each value after its flag (${help})`,
          );
        }
        continue;
      }
      const option = options[token.name];
      if (option === undefined) {
        const names = Object.keys(options);
        const near = names.find((name) => editDistance(name, token.name) <= 2);
        problems.push(
          `unknown flag ${token.rawName}${near ? `: did you mean --${near}?` : ''} (${help})`,
        );
        continue;
      }
      if (option.type === 'boolean') {
        if (token.value !== undefined) {
          problems.push(`${token.rawName} takes no value: write ${token.rawName} alone`);
        } else values[token.name] = true;
        continue;
      }
      const placeholder = placeholders.get(token.name) ?? 'VALUE';
      // parseArgs takes the next argument as the value even when it is a flag (`--start --json`).
      const missing =
        token.value === undefined ||
        (!token.inlineValue && token.value.startsWith('-') && token.value !== '-');
      if (missing) {
        problems.push(`${token.rawName} needs a value: ${token.rawName} ${placeholder}`);
        if (token.value !== undefined) {
          // Read what was taken as its value as the next argument.
          restartAt = token.index + 1;
          break;
        }
        continue;
      }
      if (option.multiple === true) {
        const list = values[token.name];
        values[token.name] = [...(Array.isArray(list) ? list : []), token.value];
      } else values[token.name] = token.value;
    }
    remaining = restartAt === undefined ? [] : remaining.slice(restartAt);
  }
  return { values, positionals };
}

/**
 * A command's flags, read as its settings describe them. Getters return `undefined` after recording
 * a problem in the list the reader was given; the caller throws them together.
 *
 * @example
 * const flags = new FlagReader(values, env, problems);
 * const chunkMs = flags.value(PLAN.chunk); // the flag, else the setting's default, parsed
 */
export class FlagReader {
  readonly #values: FlagValues;
  readonly #env: FlagEnvironment;
  readonly #problems: string[];
  readonly #seen = new Map<AnySetting, ReadSetting>();

  constructor(values: FlagValues, env: FlagEnvironment, problems: string[]) {
    this.#values = values;
    this.#env = env;
    this.#problems = problems;
  }

  /**
   * The setting's value when it was given, by its flag or else its environment variable; undefined
   * otherwise (a problem when it is required).
   */
  given<T>(setting: Setting<T>): T | undefined {
    const found = this.#find(setting);
    if (found === undefined) {
      this.#missing(setting);
      return undefined;
    }
    return this.#parse(setting, found.text, found.label);
  }

  /** Like {@link FlagReader.given}, but the setting's default when it was not given. */
  value<T>(setting: Setting<T>): T | undefined {
    const found = this.#find(setting);
    if (found !== undefined) return this.#parse(setting, found.text, found.label);
    if (setting.default === undefined) {
      this.#missing(setting);
      return undefined;
    }
    return this.#parse(setting, setting.default, flagLabel(cliSpec(setting).flag));
  }

  /** Whether a switch (`--json`) was given. */
  on(setting: Setting<boolean>): boolean {
    return this.#values[cliSpec(setting).flag] === true;
  }

  /** Every value a repeatable flag (`-P a=1 -P b=2`) was given, as text. */
  list(setting: AnySetting): string[] {
    const value = this.#values[cliSpec(setting).flag];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  /** Records the problem when `rule.later`'s flag does not come after `rule.earlier`'s. */
  order(rule: OrderRule): void {
    const problem = orderProblem(rule, this.#seen.get(rule.later), this.#seen.get(rule.earlier));
    if (problem !== undefined) this.#problems.push(problem);
  }

  #find(setting: AnySetting): { text: string; label: string } | undefined {
    const spec = cliSpec(setting);
    const value = this.#values[spec.flag];
    if (typeof value === 'string') return { text: value, label: flagLabel(spec.flag) };
    const variable = spec.env === undefined ? undefined : this.#env[spec.env];
    // An empty variable is unset: workflows and shells often export one empty.
    if (spec.env !== undefined && typeof variable === 'string' && variable !== '') {
      return { text: variable, label: `$${spec.env}` };
    }
    return undefined;
  }

  #missing(setting: AnySetting): void {
    const spec = cliSpec(setting);
    if (spec.required !== true) return;
    const orSet = spec.env === undefined ? '' : ` (or set ${spec.env})`;
    this.#problems.push(`${flagLabel(spec.flag)} is required${orSet}`);
  }

  #parse<T>(setting: Setting<T>, text: string, label: string): T | undefined {
    const value = collectProblems(this.#problems, () => setting.parse(text, label));
    this.#seen.set(setting, { label, text, value });
    return value;
  }
}

function cliSpec(setting: AnySetting): FlagSpec {
  if (setting.cli === undefined) throw new Error(`bug: ${setting.name} is not a flag`);
  return setting.cli;
}
