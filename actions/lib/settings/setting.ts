// One description of every setting a command or an action takes (STYLE 4): its name, the command
// line's flag, the action's input, its one default, its parser and bounds, and its help. The command
// line (actions/cli/parse.ts), the actions (github/action-inputs.ts), `freshet <command> --help`,
// the README's tables and the action.yml check (test/actions/action-metadata.test.ts) all read it.
// Pure: declarations and text only.

/**
 * A parser in the library's style: text and a label for messages in, a value out, UsageError
 * otherwise. The label names the setting in the shell's terms (`--start`, `input 'start'`).
 */
export type Parser<T> = (text: string, label: string) => T;

/** How the command line takes a setting. */
export interface FlagSpec {
  /** The long flag without its dashes: `max-chunks` for `--max-chunks`. */
  readonly flag: string;
  /** A one-letter alias: `P` for `-P`. */
  readonly short?: string;
  /** An absent flag is a problem (after the environment variable, when there is one). */
  readonly required?: boolean;
  /** The environment variable read when the flag is absent: `FRESHET_START`. */
  readonly env?: string;
  /** The flag may be repeated (`-P a=1 -P b=2`); the shell reads the list. */
  readonly multiple?: boolean;
}

/** How an action takes a setting (its action.yml entry; a test keeps the two equal). */
export interface InputSpec {
  /** The input's name in action.yml. */
  readonly input: string;
  /** The input's description in action.yml (whitespace is compared loosely). */
  readonly description: string;
  /** action.yml's `required`. */
  readonly required?: boolean;
  /**
   * action.yml's default when it is not the setting's (say why next to it). Empty text means "not
   * set" to the action (see github/action-inputs.ts), so this is also what an empty input means.
   */
  readonly default?: string;
  /** An empty input is a problem saying this (for inputs whose action.yml default is an expression). */
  readonly whenEmpty?: string;
}

/** One setting of a command or an action. */
export interface Setting<T> {
  /** The library's name for it, the one library messages use: `start`, `max-chunks`. */
  readonly name: string;
  /** One line for `freshet <command> --help` and the README's tables. */
  readonly help: string;
  /**
   * How usage lines name its value (`ISO`, `D`, `N`, `URL`). Absent: a switch (`--json`), true when
   * given; its action input, if any, is `true` or `false`.
   */
  readonly placeholder?: string;
  /** The text that an absent flag or an empty input stands for; absent: no default. */
  readonly default?: string;
  /**
   * What leaving it out means when there is no default text, for help and docs: `the project's
   * data.station`, `the embedded one under .freshet/`.
   */
  readonly otherwise?: string;
  /** Turns the text (given, or the default) into the value. */
  readonly parse: Parser<T>;
  /** The command line's flag; absent: the command line does not take it. */
  readonly cli?: FlagSpec;
  /** The action's input; absent: no action takes it. */
  readonly action?: InputSpec;
}

/** Any setting, whatever its value's type (for lists and generated text). */
export type AnySetting = Setting<unknown>;

/** Two settings whose values must come in order: `end` after `start`. */
export interface OrderRule {
  readonly later: Setting<number>;
  readonly earlier: Setting<number>;
  /** Said after the problem: `a chunk holds at least one interval`. */
  readonly why: string;
}

/** How messages name a flag: `--max-chunks`. */
export function flagLabel(flag: string): string {
  return `--${flag}`;
}

/** How messages name an action input: `input 'max-chunks'`. */
export function inputLabel(name: string): string {
  return `input '${name}'`;
}

/**
 * What action.yml must say for the setting's input: `required`, and `default` for an optional input
 * ('' when there is none, which the action reads as "not set").
 *
 * @example actionYamlEntry(PLAN.chunk) // { required: false, default: '1h', description: '…' }
 */
export function actionYamlEntry(setting: AnySetting):
  | {
      readonly description: string;
      readonly required: boolean;
      readonly default: string | undefined;
    }
  | undefined {
  const spec = setting.action;
  if (spec === undefined) return undefined;
  const required = spec.required === true;
  return {
    description: spec.description,
    required,
    default: required ? undefined : (spec.default ?? setting.default ?? ''),
  };
}

/**
 * The text an empty action input stands for, or undefined when it has none (a required input is
 * then parsed from '', so that its parser says what is missing). An input with `whenEmpty` never
 * falls back: its action.yml default is an expression only the runner evaluates.
 *
 * @example inputFallback(INGEST.anonymous) === 'true'
 */
export function inputFallback(setting: AnySetting): string | undefined {
  return setting.action?.default ?? setting.default;
}

/**
 * What each optional input of an action means when empty, by input name: action.yml's defaults
 * ('' for none), as {@link actionYamlEntry} gives them.
 *
 * @example inputDefaults(PLAN) // { until: '', chunk: '1h', reprocess: 'missing', 'max-chunks': '256', settle: '30m' }
 */
export function inputDefaults(
  settings: Readonly<Record<string, AnySetting>>,
): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const setting of Object.values(settings)) {
    const entry = actionYamlEntry(setting);
    if (setting.action !== undefined && entry?.default !== undefined) {
      defaults[setting.action.input] = entry.default;
    }
  }
  return defaults;
}

/**
 * What the command line does without the flag, for help and docs: its environment variable, then
 * its default; undefined for a switch, a required flag, or a flag whose absence means nothing.
 *
 * @example flagDefault(INGEST.source) // '$FRESHET_SOURCE, else s3://openaq-data-archive/records/csv.gz/'
 */
export function flagDefault(setting: AnySetting): string | undefined {
  if (setting.cli === undefined || setting.placeholder === undefined) return undefined;
  const choices = [
    ...(setting.cli.env === undefined ? [] : [`$${setting.cli.env}`]),
    ...(setting.default === undefined ? [] : [setting.default]),
    ...(setting.otherwise === undefined ? [] : [setting.otherwise]),
  ];
  return choices.length === 0 ? undefined : choices.join(', else ');
}
