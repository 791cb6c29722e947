import { printable } from './printable.ts';

/**
 * A plain-text table with right-aligned numbers, for terminals and logs. Control characters in a
 * cell are shown escaped (`printable`): a cell is one line, and acts on no terminal.
 *
 * @example
 * formatTable(['day', 'rows'], [['2014-01-01', 12]]);
 * // day         rows
 * // 2014-01-01    12
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  minWidth = 0,
): string {
  const show = (cell: string | number) => printable(String(cell));
  const cells = [headers.map(show), ...rows.map((r) => r.map(show))];
  const widths = headers.map((_, i) =>
    Math.max(minWidth, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'),
  );
  return cells
    .map((r) =>
      r
        // A cell beyond the headers has no column to align to: it is left as it is.
        .map((cell, i) =>
          numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
