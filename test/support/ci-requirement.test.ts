import { describe, expect, it } from 'vitest';
import { isCi, presentOrFailInCi } from './ci-requirement.ts';

const WHAT = { dependency: 'scikit-learn', install: 'apt-get install python3-sklearn' };

describe('presentOrFailInCi', () => {
  it('runs a suite whose dependency is present, in CI or not', () => {
    expect(presentOrFailInCi(true, WHAT, { CI: 'true' })).toBe(true);
    expect(presentOrFailInCi(true, WHAT, {})).toBe(true);
  });

  it('skips outside CI when the dependency is missing', () => {
    expect(presentOrFailInCi(false, WHAT, {})).toBe(false);
    expect(presentOrFailInCi(false, WHAT, { CI: 'false' })).toBe(false);
  });

  it('fails in CI when the dependency is missing, saying how to install it', () => {
    expect(() => presentOrFailInCi(false, WHAT, { CI: 'true' })).toThrow(
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
