import { describe, expect, it } from 'vitest';
import { escapeCell, formatCount, markdownTable } from '../../../actions/lib/github/markdown.ts';

describe('escapeCell', () => {
  it('keeps a pipe, a line break or HTML from reshaping the table', () => {
    expect(escapeCell('a|b')).toBe('a\\|b');
    expect(escapeCell('first line\n  second\r\nthird')).toBe('first line second third');
    expect(escapeCell('<script>')).toBe('&lt;script&gt;');
  });

  it('escapes a backslash before a pipe, so that `\\|` cannot end the cell either', () => {
    expect(escapeCell('a\\|b')).toBe('a\\\\\\|b');
  });
});

describe('markdownTable', () => {
  it('renders headers, alignment and rows', () => {
    expect(
      markdownTable(
        [{ header: 'reason' }, { header: 'lines', align: 'right' }],
        [
          ['bad-json', '3'],
          ['no|coordinates', '12'],
        ],
      ),
    ).toBe(
      [
        '| reason | lines |',
        '| :--- | ---: |',
        '| bad-json | 3 |',
        '| no\\|coordinates | 12 |',
      ].join('\n'),
    );
  });
});

describe('formatCount', () => {
  it('groups thousands the same way on every machine', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
  });
});
