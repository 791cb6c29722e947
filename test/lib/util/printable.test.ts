import { describe, expect, it } from 'vitest';
import { printable, printableLines } from '../../../actions/lib/util/printable.ts';
import { formatTable } from '../../../actions/lib/util/table.ts';

describe('printable', () => {
  it('escapes C0, DEL and C1 controls, line separators and bidirectional overrides', () => {
    expect(printable('a\u001b[2Jb\u0007\u007f\u009b\u0000')).toBe('a\\x1b[2Jb\\x07\\x7f\\x9b\\x00');
    expect(printable('one\ntwo\r\tthree')).toBe('one\\ntwo\\r\\tthree');
    expect(printable('x\u202ey\u2028z\u2066')).toBe('x\\u202ey\\u2028z\\u2066');
  });

  it('leaves everything else as it is, backslashes and non-Latin text included', () => {
    const text = 'Zürich \\ 東京 — 😀 C:\\path';
    expect(printable(text)).toBe(text);
  });

  it('keeps line breaks when asked', () => {
    expect(printableLines('exit 3\nprogress\r\u001b[K')).toBe('exit 3\nprogress\\r\\x1b[K');
  });
});

describe('formatTable', () => {
  it('shows each cell on one line, escaped, and aligns on what is shown', () => {
    expect(
      formatTable(
        ['name', 'n'],
        [
          ['a\u001b[31m', 1],
          ['b\nc', 22],
        ],
      ),
    ).toBe(['name        n', 'a\\x1b[31m   1', 'b\\nc       22'].join('\n'));
  });
});
