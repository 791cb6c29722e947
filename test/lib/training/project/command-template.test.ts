import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  fillTemplate,
  parseCommandTemplate,
  shellQuote,
} from '../../../../actions/lib/training/project/command-template.ts';

/** What `sh` makes of a command: its words, one per line, via printf. */
function shellWords(command: string): string[] {
  const out = execFileSync(
    'sh',
    ['-c', `set -- ${command}; for w in "$@"; do printf '%s\\0' "$w"; done`],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    },
  );
  return out.split('\0').slice(0, -1);
}

describe('parseCommandTemplate', () => {
  it('finds {name} placeholders, each once, in order of first use', () => {
    const t = parseCommandTemplate('train --a {alpha} --b {beta_2} --again {alpha}');
    expect(t.parameters).toEqual(['alpha', 'beta_2']);
    expect(t.parts).toEqual([
      { kind: 'text', text: 'train --a ' },
      { kind: 'parameter', name: 'alpha' },
      { kind: 'text', text: ' --b ' },
      { kind: 'parameter', name: 'beta_2' },
      { kind: 'text', text: ' --again ' },
      { kind: 'parameter', name: 'alpha' },
    ]);
  });

  it('leaves shell expansions, escaped braces and other braces as text', () => {
    const command = `python t.py --out "\${FRESHET_OUTPUT_DIR}" {{literal}} awk '{print $1}' {a,b} { x }`;
    const t = parseCommandTemplate(command);
    expect(t.parameters).toEqual([]);
    expect(fillTemplate(t, {})).toBe(
      `python t.py --out "\${FRESHET_OUTPUT_DIR}" {literal} awk '{print $1}' {a,b} { x }`,
    );
  });
});

describe('shellQuote', () => {
  const hostile = [
    'plain',
    'two words',
    "it's",
    "''",
    '$(touch /tmp/freshet-pwned)',
    '`id`',
    '$HOME',
    'line one\nline two',
    'back\\slash',
    '"double"',
    '; rm -rf /',
    '',
    '*',
  ];

  it("single-quotes, writing an embedded quote as '\\''", () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
  });

  it.each(hostile)('makes %j exactly one shell word, unchanged and unexpanded', (value) => {
    expect(shellWords(`x ${shellQuote(value)} y`)).toEqual(['x', value, 'y']);
  });

  it('quotes every substituted value when filling a template', () => {
    const t = parseCommandTemplate('run --name {name} --n {n}');
    const command = fillTemplate(t, { name: "o'3 $(id)\nnext", n: '5' });
    expect(command).toBe("run --name 'o'\\''3 $(id)\nnext' --n '5'");
    expect(shellWords(command)).toEqual(['run', '--name', "o'3 $(id)\nnext", '--n', '5']);
  });

  it('refuses to fill a placeholder without a value (not even an inherited property)', () => {
    expect(() => fillTemplate(parseCommandTemplate('run {constructor}'), {})).toThrow(
      'no value for placeholder {constructor}',
    );
  });
});
