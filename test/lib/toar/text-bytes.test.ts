import { describe, expect, it } from 'vitest';
import { prefixRows, TextBytes } from '../../../actions/lib/toar/text-bytes.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('TextBytes', () => {
  it('keeps what is appended as UTF-8, growing as needed, in a buffer of its own', () => {
    const text = new TextBytes();
    const rows: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const row = `${i}\tbad-json\tµg/m³ ✓ 𝛼\t${'x'.repeat(i % 50)}\n`;
      rows.push(row);
      text.append(row);
    }
    expect(text.text()).toBe(rows.join(''));
    expect(text.length).toBe(encode(rows.join('')).length);
    const bytes = text.bytes();
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    // Starting from bytes (a batch that came from another thread) and appending goes on from them.
    const again = new TextBytes(bytes);
    again.append('last\n');
    expect(again.text()).toBe(`${rows.join('')}last\n`);
  });
});

describe('TextBytes, written back', () => {
  it('forgets what follows a length, and overwrites ASCII in place, within what it holds', () => {
    const text = new TextBytes();
    text.append('\\\\x0000\tµ\n');
    const end = text.length;
    text.append('taken back\n');
    text.truncate(end);
    expect(text.text()).toBe('\\\\x0000\tµ\n');
    text.overwrite(3, 'ab12');
    expect(text.text()).toBe('\\\\xab12\tµ\n');
    text.append('more\n');
    expect(text.text()).toBe('\\\\xab12\tµ\nmore\n');
    expect(() => text.truncate(text.length + 1)).toThrow(RangeError);
    expect(() => text.overwrite(text.length - 2, 'abc')).toThrow(RangeError);
  });
});

describe('prefixRows', () => {
  it('puts the prefix before every row, multi-byte characters included', () => {
    expect(decode(prefixRows(encode('a\tµ\nb\n\nc✓\n'), 'k\t2018\t'))).toBe(
      'k\t2018\ta\tµ\nk\t2018\tb\nk\t2018\t\nk\t2018\tc✓\n',
    );
    expect(prefixRows(new Uint8Array(0), 'x')).toHaveLength(0);
  });
});
