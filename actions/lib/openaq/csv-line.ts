/**
 * One CSV record on one line, as DESIGN.md's archive rule "parse" reads it (RFC 4180): a field is
 * either unquoted (no `"` in it) or wholly double-quoted with `""` standing for a quote inside; a
 * quoted field may hold commas. A record never spans lines: a line break inside quotes is not
 * possible here, the line ends the record. Pure.
 */

const QUOTE = 34;
const COMMA = 44;

/**
 * The fields of `text`, or a string saying why it is not one CSV record (a result of type string
 * is the problem; an array is the fields).
 *
 * @example
 * splitCsvLine('2178,3919,"Del Norte, ""NM""",x'); // → ['2178', '3919', 'Del Norte, "NM"', 'x']
 * splitCsvLine('a,b"c');                          // → 'field 2 has a quote inside an unquoted field'
 */
export function splitCsvLine(text: string): string[] | string {
  const fields: string[] = [];
  let at = 0;
  const length = text.length;
  for (;;) {
    const n = fields.length + 1;
    if (text.charCodeAt(at) === QUOTE) {
      // Quoted: up to the closing quote, with "" for a quote inside.
      let value = '';
      let from = at + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) return `field ${n} has no closing quote`;
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
          continue;
        }
        at = close + 1;
        break;
      }
      fields.push(value);
      if (at === length) return fields;
      if (text.charCodeAt(at) !== COMMA) return `field ${n} has text after its closing quote`;
      at++;
      continue;
    }
    const comma = text.indexOf(',', at);
    const end = comma < 0 ? length : comma;
    const value = text.slice(at, end);
    if (value.includes('"')) return `field ${n} has a quote inside an unquoted field`;
    fields.push(value);
    if (comma < 0) return fields;
    at = comma + 1;
  }
}
