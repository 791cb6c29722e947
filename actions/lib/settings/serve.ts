// The settings of `freshet serve`: the edge Worker in workerd on this machine, serving the local
// registry's promoted versions.
import { parseText, wholeNumber } from './parsers.ts';
import type { Setting } from './setting.ts';

/** `freshet serve`. */
export const SERVE = {
  port: {
    name: 'port',
    help: 'the port on 127.0.0.1 (0: any free port; the URL is printed)',
    placeholder: 'N',
    default: '8787',
    parse: wholeNumber({ min: 0, max: 65_535 }),
    cli: { flag: 'port' },
  },
  model: {
    name: 'model',
    help: 'the model the top-level /invocations serves, when the registry has several',
    placeholder: 'NAME',
    otherwise: 'the only promoted model',
    parse: parseText,
    cli: { flag: 'model' },
  },
} as const satisfies Record<string, Setting<unknown>>;
