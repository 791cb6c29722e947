import { describe, expect, it } from 'vitest';
import { isCi, presentOrFailInCi } from './ci-requirement.ts';

const WHAT = { dependency: 'scikit-learn', install: 'apt-get install python3-sklearn' };

describe('presentOrFailInCi', () => {
  it('runs a suite whose dependency is present, in CI or not, without a note', () => {
    const notes: string[] = [];
    const note = (line: string) => notes.push(line);
    expect(presentOrFailInCi(true, WHAT, { env: { CI: 'true' }, note })).toBe(true);
    expect(presentOrFailInCi(true, WHAT, { env: {}, note })).toBe(true);
    expect(notes).toEqual([]);
  });

  it('skips outside CI when the dependency is missing, with a note saying how to install it', () => {
    const notes: string[] = [];
    const note = (line: string) => notes.push(line);
    expect(presentOrFailInCi(false, WHAT, { env: {}, note })).toBe(false);
    expect(presentOrFailInCi(false, WHAT, { env: { CI: 'false' }, note })).toBe(false);
    expect(notes).toEqual([
      'note: scikit-learn is missing (apt-get install python3-sklearn): the suites that need it are skipped.',
      'note: scikit-learn is missing (apt-get install python3-sklearn): the suites that need it are skipped.',
    ]);
  });

  it('fails in CI when the dependency is missing, saying how to install it', () => {
    expect(() => presentOrFailInCi(false, WHAT, { env: { CI: 'true' } })).toThrow(
      'scikit-learn is missing (apt-get install python3-sklearn): CI runs every suite, none may skip',
    );
  });

  it('reads CI as GitHub Actions and .ci/run set it', () => {
    expect([isCi({ CI: 'true' }), isCi({ CI: '1' }), isCi({ CI: 'TRUE' })]).toEqual([
      true,
      true,
      true,
    ]);
    expect([isCi({}), isCi({ CI: '' }), isCi({ CI: '0' }), isCi({ CI: 'false' })]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
