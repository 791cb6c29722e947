/**
 * PostgreSQL COPY text format. Text fields escape backslash, tab, newline and carriage return;
 * NUL cannot be stored in PostgreSQL text at all and becomes U+FFFD (the one change a stored name or
 * raw line can undergo).
 */
export function copyText(value: string): string {
  // Fast path: most fields need no escaping.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters COPY reserves.
  if (!/[\\\t\n\r\u0000]/.test(value)) return value;
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\u0000':
        out += '\uFFFD';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** `text` cut to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
