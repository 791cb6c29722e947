// Every command's and every action's settings, for what is generated from or checked against them
// (`freshet <command> --help`, the README's tables, every action.yml). A shell imports only its own
// command's module, so that an action's bundle holds only its own settings.
import { DOCTOR } from './doctor.ts';
import { INGEST } from './ingest.ts';
import { DEMO, GENERATE_FETCHES, MIGRATE, RUNS, RUNS_COMPARE, STATUS } from './other-commands.ts';
import { PLAN } from './plan.ts';
import {
  MODELS_BUNDLE,
  MODELS_LIST,
  MODELS_SHOW,
  MODELS_VALIDATE,
  PROMOTE,
  PUBLISH,
} from './registry.ts';
import { REPORT } from './report.ts';
import { SERVE } from './serve.ts';
import type { AnySetting } from './setting.ts';
import { SITE_BUILD, SITE_SERVE } from './site.ts';
import { TRAIN } from './train.ts';

/** The settings of one command, one action, or a command and the action that shares them. */
export interface SettingsGroup {
  /** The command line's command (`runs compare`), when it has one. */
  readonly command?: string;
  /** The action's folder under actions/, when there is one. */
  readonly action?: string;
  readonly settings: Readonly<Record<string, AnySetting>>;
}

/** Every group, in the order the README lists them. */
export const SETTINGS_CATALOG: readonly SettingsGroup[] = [
  { command: 'ingest', action: 'ingest', settings: INGEST },
  { command: 'plan', action: 'plan', settings: PLAN },
  { command: 'status', settings: STATUS },
  { command: 'db migrate', settings: MIGRATE },
  { command: 'generate-fetches', settings: GENERATE_FETCHES },
  { command: 'demo', settings: DEMO },
  { command: 'train', action: 'train', settings: TRAIN },
  { command: 'runs', settings: RUNS },
  { command: 'runs compare', settings: RUNS_COMPARE },
  { action: 'report', settings: REPORT },
  { command: 'site build', settings: SITE_BUILD },
  { command: 'site serve', settings: SITE_SERVE },
  { command: 'publish', action: 'publish', settings: PUBLISH },
  { command: 'models list', settings: MODELS_LIST },
  { command: 'models show', settings: MODELS_SHOW },
  { command: 'models validate', settings: MODELS_VALIDATE },
  { command: 'models bundle', settings: MODELS_BUNDLE },
  { command: 'promote', settings: PROMOTE },
  { command: 'serve', settings: SERVE },
  { command: 'doctor', action: 'doctor', settings: DOCTOR },
];

/**
 * The settings of an action (its folder's name), or undefined when it takes none described here.
 *
 * @example actionSettings('plan') === PLAN
 */
export function actionSettings(action: string): Readonly<Record<string, AnySetting>> | undefined {
  return SETTINGS_CATALOG.find((group) => group.action === action)?.settings;
}

/**
 * The settings of a command (`runs compare`), or undefined for an unknown one.
 *
 * @example commandSettings('db migrate') === MIGRATE
 */
export function commandSettings(command: string): Readonly<Record<string, AnySetting>> | undefined {
  return SETTINGS_CATALOG.find((group) => group.command === command)?.settings;
}
