// What promote.yml deploys: every version an aliases file names, downloaded and verified into one
// folder (`<out>/<name>/<N>/` with its manifest, and `<out>/aliases.json`) — the local store's
// layout, so that whatever serves it reads it as it reads a local registry.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownTable } from '../github/markdown.ts';
import { type AliasChange, type Aliases, formatAliases, namedVersions } from './aliases.ts';
import { formatManifest } from './manifest.ts';
import type { RegistryStore } from './store.ts';

/** One version written into the bundle. */
export interface BundledVersion {
  readonly name: string;
  readonly version: number;
  readonly assets: number;
  readonly bytes: number;
}

/**
 * Downloads (verifying each asset's sha256) every version `aliases` names into `outDir`.
 *
 * @throws RegistryNotFoundError, VerificationError: a bundle is whole or not made
 * @example await bundleAliases(store, aliases, 'deploy/registry');
 */
export async function bundleAliases(
  store: RegistryStore,
  aliases: Aliases,
  outDir: string,
): Promise<BundledVersion[]> {
  const written: BundledVersion[] = [];
  for (const { name, version } of namedVersions(aliases)) {
    const manifest = await store.get(name, version);
    const folder = join(outDir, name, String(version));
    await mkdir(folder, { recursive: true });
    let bytes = 0;
    for (const asset of manifest.assets) {
      const data = await store.download(name, version, asset.name);
      await writeFile(join(folder, asset.name), data);
      bytes += data.byteLength;
    }
    await writeFile(join(folder, 'manifest.json'), formatManifest(manifest));
    written.push({ name, version, assets: manifest.assets.length, bytes });
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'aliases.json'), formatAliases(aliases));
  return written;
}

/**
 * A Markdown summary: what changed in the aliases, and what the bundle holds.
 *
 * @example aliasesSummary(changes, bundled) // '### Aliases\n\n| model | alias | from | to |…'
 */
export function aliasesSummary(
  changes: readonly AliasChange[],
  bundled: readonly BundledVersion[],
): string {
  const version = (v: number | null) => (v === null ? '–' : `v${v}`);
  return [
    '### Aliases changed',
    '',
    changes.length === 0
      ? 'No alias changed.'
      : markdownTable(
          [{ header: 'model' }, { header: 'alias' }, { header: 'from' }, { header: 'to' }],
          changes.map((c) => [c.name, c.alias, version(c.from), version(c.to)]),
        ),
    '',
    '### Versions deployed',
    '',
    bundled.length === 0
      ? 'None: no alias names a version.'
      : markdownTable(
          [
            { header: 'version' },
            { header: 'assets', align: 'right' },
            { header: 'bytes', align: 'right' },
          ],
          bundled.map((b) => [`models:/${b.name}/${b.version}`, String(b.assets), String(b.bytes)]),
        ),
    '',
  ].join('\n');
}
