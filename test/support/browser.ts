// Debian's Chromium driven by playwright-core (never a browser download): launched headless with
// the flags this machine kind needs (TOOLCHAIN.md). .ci/run installs it when missing; on GitHub's
// hosted runners, which ship Google Chrome instead, that one is used.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The browsers tried, in order: Debian's `chromium`, then Google Chrome. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/google-chrome'] as const;

/** The browser the tests use, or undefined when none is installed. */
export const CHROMIUM = CANDIDATES.find((path) => existsSync(path));

export const hasChromium = CHROMIUM !== undefined;

/** Launches the browser; close it after the suite. */
export function launchChromium(): Promise<Browser> {
  if (CHROMIUM === undefined) throw new Error(`no browser at ${CANDIDATES.join(' or ')}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
