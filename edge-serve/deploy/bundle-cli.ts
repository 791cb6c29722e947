// `node edge-serve/deploy/bundle-cli.ts [--state-dir .freshet] [--out edge-serve/bundle] [--model NAME]`:
// builds the deployment bundle of the local registry's promoted versions into the Worker's assets
// directory (what `wrangler deploy` uploads). Prints what it bundled as JSON. Exit 0, or 2 when
// the registry has nothing to deploy or a version does not match its manifest.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../actions/lib/errors.ts';
import { DEFAULT_STATE_DIR } from '../../actions/lib/state-dir.ts';
import { buildDeploymentBundle } from './build-bundle.ts';
import { readLocalRegistry, registryDir } from './local-registry.ts';
import { writeBundle } from './write-bundle.ts';

/** The assets directory wrangler.jsonc names. */
export const DEFAULT_BUNDLE_DIR = resolve(import.meta.dirname, '../bundle');

/**
 * Builds and writes the bundle as the command line asks; resolves to the exit status.
 *
 * @example process.exitCode = await main(['--state-dir', '.freshet']);
 */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
        out: { type: 'string', default: DEFAULT_BUNDLE_DIR },
        model: { type: 'string' },
      },
    });
    const registry = await readLocalRegistry(registryDir(values['state-dir']));
    const files = await buildDeploymentBundle({
      ...registry,
      defaultModel: values.model,
      builtAt: new Date().toISOString(),
    });
    await writeBundle(values.out, files);
    out(
      JSON.stringify({
        out: values.out,
        versions: registry.versions.map((v) => `${v.name}/${v.version}`),
        aliases: registry.aliases,
        bytes: [...files.values()].reduce((sum, bytes) => sum + bytes.length, 0),
      }),
    );
    return 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      for (const line of error instanceof UsageError ? error.problems : [(error as Error).message])
        err(line);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
