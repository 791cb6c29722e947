// What the Worker imports from the registry uses no Node module: the manifest, URIs, aliases,
// names, errors, digests and verification, and what they import in turn.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const WORKER_MODULES = [
  'actions/lib/registry/manifest.ts',
  'actions/lib/registry/uri.ts',
  'actions/lib/registry/aliases.ts',
  'actions/lib/registry/card.ts',
  'actions/lib/registry/verify.ts',
];

/** Every module `entry` imports (values and types), transitively. */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)[^;]*? from '([^']+)';/gms)) {
      const spec = match[1] ?? '';
      if (spec.startsWith('.')) visit(normalize(join(dirname(file), spec)));
      else seen.add(spec);
    }
  };
  visit(entry);
  return [...seen];
}

describe('the registry modules the Worker imports', () => {
  it.each(WORKER_MODULES)('%s imports no node: module, directly or not', (entry) => {
    const imported = closure(entry);
    expect(imported.filter((spec) => spec.startsWith('node:'))).toEqual([]);
    // Only our own files: no package either.
    expect(imported.filter((spec) => !spec.startsWith('actions/'))).toEqual([]);
  });
});
