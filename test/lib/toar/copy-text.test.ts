import { describe, expect, it } from 'vitest';
import { copyText, truncateText } from '../../../actions/lib/toar/copy-text.ts';

describe('copyText', () => {
  it('leaves text without reserved characters as it is', () => {
    const text = 'Lilla Essingen (E4/E20) µg/m³ ✓';
    expect(copyText(text)).toBe(text);
    expect(copyText('')).toBe('');
  });

  it('escapes backslash, tab, newline and carriage return as COPY text reads them', () => {
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyText('\\\\')).toBe('\\\\\\\\');
  });

  it('turns NUL, which PostgreSQL text cannot hold, into U+FFFD', () => {
    expect(copyText('a\u0000b')).toBe('a\uFFFDb');
  });

  it('keeps characters outside the BMP whole', () => {
    expect(copyText('😀\t😀')).toBe('😀\\t😀');
  });
});

describe('truncateText', () => {
  it('keeps text up to the limit', () => {
    expect(truncateText('abc', 3)).toBe('abc');
    expect(truncateText('abcd', 3)).toBe('abc');
  });

  it('never splits a surrogate pair', () => {
    // '😀' is two UTF-16 units: cutting after its first would leave half a character.
    expect(truncateText('ab😀', 3)).toBe('ab');
    expect(truncateText('ab😀', 4)).toBe('ab😀');
  });
});
