// A few suites need something from outside npm (Debian's scikit-learn). On a developer's machine
// without it they skip, with a note; in CI, which installs it (.ci/run, ci.yml), a missing
// dependency is a broken set-up, and a suite that skipped would let the run pass without it.

/**
 * Whether the variable `CI` says this is a CI run (GitHub Actions and .ci/run set `CI=true`).
 *
 * @example
 * isCi({ CI: 'true' }) // true
 * isCi({ CI: 'false' }) // false
 */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * Whether a suite needing `dependency` runs: yes when it is present; when it is absent, no outside
 * CI (with a note on stderr), and in CI an error, so that the suite's file fails instead of
 * skipping.
 *
 * @throws Error in CI when the dependency is absent
 * @example
 * describe.runIf(presentOrFailInCi(hasSystemSklearn, {
 *   dependency: "/usr/bin/python3's scikit-learn, psycopg2 and PyYAML",
 *   install: 'apt-get install python3-sklearn python3-psycopg2 python3-yaml',
 * }))('training/ozone-sklearn', () => { … });
 */
export function presentOrFailInCi(
  present: boolean,
  what: { readonly dependency: string; readonly install: string },
  context: {
    readonly env?: NodeJS.ProcessEnv;
    /** Where the note about a skipped suite goes (default: stderr). */
    readonly note?: (line: string) => void;
  } = {},
): boolean {
  if (present) return true;
  const message = `${what.dependency} is missing (${what.install})`;
  if (isCi(context.env ?? process.env)) {
    throw new Error(`${message}: CI runs every suite, none may skip`);
  }
  const note = context.note ?? ((line: string) => process.stderr.write(`${line}\n`));
  note(`note: ${message}: the suites that need it are skipped.`);
  return false;
}
