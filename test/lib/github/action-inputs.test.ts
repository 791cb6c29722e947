import { describe, expect, it } from 'vitest';
import { ActionInputs } from '../../../actions/lib/github/action-inputs.ts';
import { parseDuration } from '../../../actions/lib/interval/duration.ts';
import { usageProblems } from '../../support/usage-problems.ts';

function inputs(values: Record<string, string>): ActionInputs {
  return new ActionInputs((name) => values[name] ?? '');
}

const problemsOf = usageProblems;

describe('ActionInputs', () => {
  it('treats an empty or blank input as not set, and trims the rest', () => {
    const read = inputs({ chunk: '  ', region: ' eu-west-1 ' });
    expect(read.text('chunk', '1h')).toBe('1h');
    expect(read.text('region', 'us-east-1')).toBe('eu-west-1');
  });

  it('parses with a library parser, naming the input in its message', () => {
    const read = inputs({ chunk: '7m' });
    expect(read.parse('chunk', '1h', parseDuration)).toBeUndefined();
    expect(read.problems).toEqual(["input 'chunk' 7m is not a multiple of 10 minutes: use 10m"]);
    expect(inputs({}).parse('chunk', '1h', parseDuration)).toBe(3_600_000);
  });

  it('leaves an empty optional input absent', () => {
    const read = inputs({});
    expect(read.optional('until', parseDuration)).toBeUndefined();
    expect(read.problems).toEqual([]);
  });

  it('reads whole numbers within bounds, saying why the bounds are there', () => {
    const read = inputs({ a: '12', b: '0', c: '1.5', d: 'many' });
    const bounds = { min: 1, max: 256, why: 'a matrix holds 256 jobs' };
    expect(read.integer('a', 3, bounds)).toBe(12);
    expect(read.integer('b', 3, bounds)).toBeUndefined();
    expect(read.integer('c', 3, bounds)).toBeUndefined();
    expect(read.integer('d', 3, bounds)).toBeUndefined();
    expect(read.integer('e', 3, bounds)).toBe(3);
    expect(read.problems).toEqual([
      `input 'b' "0" is not a whole number from 1 to 256 (a matrix holds 256 jobs)`,
      `input 'c' "1.5" is not a whole number from 1 to 256 (a matrix holds 256 jobs)`,
      `input 'd' "many" is not a whole number from 1 to 256 (a matrix holds 256 jobs)`,
    ]);
  });

  it('reads booleans as YAML 1.2 writes them, as core.getBooleanInput does', () => {
    const read = inputs({ a: 'True', b: 'FALSE', c: 'yes' });
    expect(read.boolean('a', false)).toBe(true);
    expect(read.boolean('b', true)).toBe(false);
    expect(read.boolean('c', true)).toBeUndefined();
    expect(read.boolean('unset', true)).toBe(true);
    expect(read.problems).toEqual([`input 'c' "yes" is not a boolean: use true or false`]);
  });

  it('collects every problem and throws them together from finish()', () => {
    const read = inputs({ chunk: 'soon', b: 'x' });
    read.parse('chunk', '1h', parseDuration);
    read.required('token', 'pass the token');
    read.boolean('b', true);
    read.problem('a problem that relates two inputs');
    const problems = problemsOf(() => read.finish());
    expect(problems).toHaveLength(4);
    expect(problems[1]).toBe("input 'token' is empty: pass the token");
    expect(() => inputs({}).finish()).not.toThrow();
  });

  it('lets errors other than UsageError through (a bug is not an input problem)', () => {
    const read = inputs({ x: 'y' });
    expect(() =>
      read.parse('x', '', () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});
