// GitHub-flavoured Markdown for job summaries and issue bodies. Pure: text in, text out.

/**
 * Makes any text safe inside one table cell: a `|` would end the cell, a line break the row, and
 * `<`/`>` could open HTML (job summaries render it), so an S3 key or an error message from the
 * outside world cannot reshape the table.
 *
 * @example escapeCell('a|b\nc') === 'a\\|b c'
 */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
}

/** How a column's cells line up: numbers read best aligned right. */
export type ColumnAlign = 'left' | 'right';

/** One column of a {@link markdownTable}. */
export interface Column {
  header: string;
  align?: ColumnAlign;
}

/**
 * Renders a Markdown table; every cell is escaped with {@link escapeCell}.
 *
 * @example
 * markdownTable([{ header: 'reason' }, { header: 'lines', align: 'right' }], [['bad-json', '3']])
 * // | reason | lines |
 * // | :--- | ---: |
 * // | bad-json | 3 |
 */
export function markdownTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `| ${columns.map((c) => (c.align === 'right' ? '---:' : ':---')).join(' | ')} |`;
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** Formats a count with thousands separators, the same on every machine (`12,345`). */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
