// Which parts of a database address must never reach a log.

/**
 * The strings to mask (`core.setSecret`) for a database URL: the whole URL and, when it has one, its
 * password as written and decoded. Masking only the whole URL would leave the password visible in a
 * message that quotes it alone (or a reformatted URL). Never throws: a URL that does not parse is
 * masked whole.
 *
 * @example for (const secret of databaseUrlSecrets(url)) core.setSecret(secret);
 */
export function databaseUrlSecrets(databaseUrl: string): string[] {
  const secrets = new Set<string>();
  if (databaseUrl.trim() !== '') secrets.add(databaseUrl.trim());
  if (URL.canParse(databaseUrl.trim())) {
    const password = new URL(databaseUrl.trim()).password;
    if (password !== '') {
      secrets.add(password);
      try {
        secrets.add(decodeURIComponent(password));
      } catch {
        // A malformed escape: the raw form is masked already.
      }
    }
  }
  return [...secrets];
}
