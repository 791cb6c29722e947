import { describe, expect, it } from 'vitest';
import {
  type ParameterSet,
  parseParameterDefinition,
  parseParameterValue,
  resolveParameters,
} from '../../../../actions/lib/training/project/parameters.ts';
import { usageError } from '../helpers.ts';

const ENTRY: ParameterSet = {
  name: 'main',
  parameters: {
    n_estimators: { type: 'int', default: 100 },
    max_features: { type: 'float', default: 1 },
    label: { type: 'string' },
    bootstrap: { type: 'bool', default: true },
  },
};

describe('resolveParameters', () => {
  it('converts given texts to their types and fills the rest from defaults', () => {
    expect(
      resolveParameters(ENTRY, {
        n_estimators: ' 50 ',
        max_features: '1e-1',
        label: 'x y',
        bootstrap: 'FALSE',
      }),
    ).toEqual({ n_estimators: 50, max_features: 0.1, label: 'x y', bootstrap: false });
    expect(resolveParameters(ENTRY, { label: '' })).toEqual({
      n_estimators: 100,
      max_features: 1,
      label: '',
      bootstrap: true,
    });
  });

  it('collects unknown names (with the known ones and a near miss), bad values and missing ones', () => {
    const error = usageError(() =>
      resolveParameters(ENTRY, {
        n_estimator: '5',
        depth: '3',
        max_features: 'lots',
        bootstrap: 'yes',
      }),
    );
    expect(error.problems).toEqual([
      'entry point main has no parameter n_estimator (did you mean n_estimators?): its parameters are n_estimators, max_features, label, bootstrap',
      'entry point main has no parameter depth: its parameters are n_estimators, max_features, label, bootstrap',
      'parameter max_features must be a number such as 0.5 (type float), got "lots"',
      'parameter label (string) of entry point main has no default: give a value',
      'parameter bootstrap must be true or false (type bool), got "yes"',
    ]);
  });

  it('says so when an entry point takes no parameters, and ignores inherited names', () => {
    const none: ParameterSet = { name: 'evaluate', parameters: {} };
    expect(usageError(() => resolveParameters(none, { toString: '1' })).message).toBe(
      'entry point evaluate has no parameter toString: it takes none',
    );
    expect(resolveParameters(none, {})).toEqual({});
  });
});

describe('parseParameterValue', () => {
  it.each([
    ['int', '-12', -12],
    ['int', '+7', 7],
    ['float', '.5', 0.5],
    ['float', '3', 3],
    ['float', '-2.5E3', -2500],
    ['bool', 'True', true],
    ['string', ' keep spaces ', ' keep spaces '],
  ] as const)('reads %s %j', (type, text, value) => {
    expect(parseParameterValue(type, text, 'p')).toBe(value);
  });

  it.each([
    ['int', '1.5'],
    ['int', '1e3'],
    ['int', '9007199254740993'],
    ['int', ''],
    ['float', 'NaN'],
    ['float', 'Infinity'],
    ['float', '0x10'],
    ['float', '1e999'],
    ['bool', '1'],
    ['string', 'a\0b'],
  ] as const)('refuses %s %j', (type, text) => {
    expect(usageError(() => parseParameterValue(type, text, 'p')).message).toMatch(/^p /);
  });
});

describe('parseParameterDefinition', () => {
  it('accepts { type, default }, a type alone, and a null default as no default', () => {
    expect(parseParameterDefinition({ type: 'float', default: 0 }, 'x')).toEqual({
      definition: { type: 'float', default: 0 },
      problems: [],
    });
    expect(parseParameterDefinition('string', 'x').definition).toEqual({ type: 'string' });
    expect(parseParameterDefinition({ type: 'int', default: null }, 'x').definition).toEqual({
      type: 'int',
    });
  });

  it('names defaults of the wrong type and how to fix them', () => {
    expect(parseParameterDefinition({ type: 'string', default: 12 }, 'p').problems).toEqual([
      'p.default must be a string (type string), got 12 (quote it: "12")',
    ]);
    expect(
      parseParameterDefinition({ type: 'int', default: 1.5, help: 'x' }, 'p').problems,
    ).toEqual([
      'p.help is not a parameter setting: use type, default',
      'p.default must be a whole number such as 100 (type int), got 1.5',
    ]);
    expect(parseParameterDefinition({ type: 'number' }, 'p').problems).toEqual([
      'p.type must be one of int, float, string, bool, got "number"',
    ]);
    expect(parseParameterDefinition(5, 'p').problems).toEqual([
      'p must be a mapping such as { type: int, default: 100 } or a type alone, got 5',
    ]);
  });
});
