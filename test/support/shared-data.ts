import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `../shared/data/openaq/` beside the repository: real OpenAQ samples, never copied into the tree. */
export const sharedOpenaqDir = fileURLToPath(
  new URL('../../../shared/data/openaq/', import.meta.url),
);

/** True when the samples are present; suites that need them use `describe.skipIf(!hasSharedData)`. */
export const hasSharedData = existsSync(sharedOpenaqDir);

if (!hasSharedData) {
  process.stderr.write(
    `note: ${sharedOpenaqDir} is absent: the tests that read real OpenAQ samples are skipped.\n`,
  );
}

/** Absolute path of a sample, e.g. `sharedFile('fetches/2018-06-07.ndjson')`. */
export function sharedFile(relative: string): string {
  return `${sharedOpenaqDir}${relative}`;
}
