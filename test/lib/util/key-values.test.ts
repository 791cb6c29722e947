// key=value items, one grammar for the command line's -P/-T items and the train action's text inputs.
import { describe, expect, it } from 'vitest';
import {
  keyValueWording,
  parseKeyValueItems,
  parseKeyValueText,
  splitKeyValueText,
} from '../../../actions/lib/util/key-values.ts';
import { usageProblems } from '../../support/usage-problems.ts';

describe('parseKeyValueText', () => {
  it('reads one key=value per line, keeping spaces inside a value', () => {
    expect(parseKeyValueText('n_trees=50\n\n  label = my model \nexpr=a=b\n', 'x')).toEqual({
      n_trees: '50',
      label: 'my model',
      expr: 'a=b',
    });
  });

  it('reads a line of several key=value words as several (a dispatch form has one line)', () => {
    expect(parseKeyValueText('n_estimators=200 seed=1', 'x')).toEqual({
      n_estimators: '200',
      seed: '1',
    });
  });

  it('names every malformed item and repeated key', () => {
    expect(
      usageProblems(() => parseKeyValueText('n_trees\n=3\nseed=1\nseed=2', "input 'p'")),
    ).toEqual([
      `input 'p' item "n_trees" is not key=value: write e.g. n_trees=50`,
      `input 'p' item "=3" is not key=value: write e.g. n_trees=50`,
      `input 'p' gives seed twice: give it once`,
    ]);
  });
});

describe('parseKeyValueItems', () => {
  it('collects the problems of argv items, worded as the caller says, keeping values as given', () => {
    const problems: string[] = [];
    const wording = {
      malformed: (item: string) => `-P ${item} must be parameter=value, e.g. -P n_trees=50`,
      repeated: (key: string) => `-P gives parameter ${key} twice: give it once`,
    };
    const values = parseKeyValueItems(['a=1', 'b= x=y', 'c', 'a=2'], wording, problems, {
      trimValues: false,
    });
    expect(values).toEqual({ a: '1', b: ' x=y' });
    expect(problems).toEqual([
      '-P c must be parameter=value, e.g. -P n_trees=50',
      '-P gives parameter a twice: give it once',
    ]);
  });

  it('words problems for a named setting by default', () => {
    const problems: string[] = [];
    expect(
      parseKeyValueItems(['=1'], keyValueWording("input 'tags'", 'trigger=push'), problems),
    ).toEqual({});
    expect(problems).toEqual([`input 'tags' item "=1" is not key=value: write e.g. trigger=push`]);
  });
});

describe('splitKeyValueText', () => {
  it('splits lines, and a line of key=value words into words; a value with spaces stays whole', () => {
    expect(splitKeyValueText(' a=1 b=2 \n\nlabel=my model\r\nx=1 y')).toEqual([
      'a=1',
      'b=2',
      'label=my model',
      'x=1 y',
    ]);
  });
});
