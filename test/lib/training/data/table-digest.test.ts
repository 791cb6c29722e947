import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  digestLine,
  trainingRowsSha256,
} from '../../../../actions/lib/training/data/table-digest.ts';
import {
  quoteTableName,
  trainingTableNames,
} from '../../../../actions/lib/training/data/table-name.ts';
import { at, usageError } from '../helpers.ts';

describe('training table digest', () => {
  it('writes each row as `datetime,value,n` with ISO hours and JavaScript number text', () => {
    expect(digestLine({ datetime: at('2014-01-01T00:00:00Z'), value: 31.25, n: 4 })).toBe(
      '2014-01-01T00:00:00Z,31.25,4\n',
    );
    expect(digestLine({ datetime: at('2014-12-31T23:00:00Z'), value: 0.1 + 0.2, n: 1 })).toBe(
      '2014-12-31T23:00:00Z,0.30000000000000004,1\n',
    );
    expect(digestLine({ datetime: at('2014-01-01T05:00:00Z'), value: 1e-7, n: 2 })).toBe(
      '2014-01-01T05:00:00Z,1e-7,2\n',
    );
  });

  it('hashes the lines in the order given, so order is part of the digest', () => {
    const a = { datetime: at('2014-01-01T00:00:00Z'), value: 1, n: 1 };
    const b = { datetime: at('2014-01-01T01:00:00Z'), value: 2, n: 3 };
    const expected = createHash('sha256')
      .update('2014-01-01T00:00:00Z,1,1\n2014-01-01T01:00:00Z,2,3\n')
      .digest('hex');
    expect(trainingRowsSha256([a, b])).toBe(expected);
    expect(trainingRowsSha256([b, a])).not.toBe(expected);
    expect(trainingRowsSha256([])).toBe(createHash('sha256').digest('hex'));
  });
});

describe('table names', () => {
  it('quotes plain and schema-qualified lower-case names', () => {
    expect(quoteTableName('public.freshet_training_42')).toBe('"public"."freshet_training_42"');
    expect(quoteTableName('t')).toBe('"t"');
  });

  it.each(['', 'Upper', 'a.b.c', 'x; DROP TABLE toar.data', 'a"b', `${'a'.repeat(64)}`])(
    'refuses %j',
    (name) => {
      expect(usageError(() => quoteTableName(name)).message).toMatch(/is not usable/);
    },
  );

  it('derives a run’s table names from any run key', () => {
    expect(trainingTableNames('12345-2')).toEqual({
      training: 'public.freshet_training_12345_2',
      features: 'public.freshet_features_12345_2',
    });
    expect(usageError(() => trainingTableNames('--')).message).toMatch(/names no table/);
  });
});
