import { describe, expect, it } from 'vitest';
import {
  collectProblems,
  describeError,
  SourceError,
  UsageError,
} from '../../actions/lib/errors.ts';

describe('describeError', () => {
  it('follows causes, leaving out what an outer message already quotes', () => {
    const inner = new Error('unexpected end of file');
    const middle = new SourceError(
      'a.ndjson.gz: corrupt or truncated gzip (unexpected end of file)',
      {
        cause: inner,
      },
    );
    const outer = new Error('loading failed', { cause: middle });
    expect(describeError(outer)).toBe(
      'loading failed: a.ndjson.gz: corrupt or truncated gzip (unexpected end of file)',
    );
    expect(describeError(new Error('a', { cause: new Error('b', { cause: 'c' }) }))).toBe(
      'a: b: c',
    );
    expect(describeError('plain')).toBe('plain');
  });
});

describe('collectProblems', () => {
  it('gathers usage problems and passes other errors through', () => {
    const problems: string[] = [];
    expect(collectProblems(problems, () => 1)).toBe(1);
    expect(
      collectProblems(problems, () => {
        throw new UsageError(['x', 'y']);
      }),
    ).toBeUndefined();
    expect(problems).toEqual(['x', 'y']);
    expect(() =>
      collectProblems(problems, () => {
        throw new Error('bug');
      }),
    ).toThrow('bug');
  });
});
