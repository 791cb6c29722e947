// Text from outside (station names from feeds, a project's output, names in errors) shown to a person
// on a terminal: control characters are written as escapes, so that none of them acts on the
// terminal (an ANSI sequence that recolours, clears or retitles it, a carriage return that hides
// what came before). JSON output keeps the text exact and does not use this. Pure.

// Cc: the C0 controls, DEL and the C1 controls; then the Unicode line separators and the
// bidirectional overrides and isolates (which reorder what a terminal shows: "Trojan Source").
const CONTROL = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const CONTROL_BUT_NEWLINE = /(?!\n)[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One line of text as a terminal may show it: every control character escaped (`\x1b`, `\n`, `\t`,
 * `\u202e`); everything else, backslashes included, as it is.
 *
 * @example printable('Lancaster\u001b[2J') === 'Lancaster\\x1b[2J'
 */
export function printable(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/**
 * Like {@link printable}, but keeping line breaks (`\n`): for messages of several lines, such as a
 * failed command's last lines.
 *
 * @example printableLines('exit 1\nerror\r') === 'exit 1\nerror\\r'
 */
export function printableLines(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escapeControl);
}
