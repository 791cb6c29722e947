// Reading a command's flags as its settings describe them (lib/settings/): node:util's options, the
// environment variables a flag falls back to, defaults, parsers, and every problem collected.
import type { ParseArgsOptionsConfig } from 'node:util';
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
