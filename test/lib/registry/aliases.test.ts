import { describe, expect, it } from 'vitest';
import {
  aliasChanges,
  formatAliases,
  namedVersions,
  parseAliases,
  withAlias,
} from '../../../actions/lib/registry/aliases.ts';
import { InvalidDocumentError } from '../../../actions/lib/registry/errors.ts';

describe('aliases', () => {
  it('parses, edits and formats sorted with a final newline', () => {
    const aliases = parseAliases({ b: { staging: 2 }, a: { production: 1 } });
    const edited = withAlias(aliases, 'a', 'staging', 5);
    expect(aliases).toEqual({ b: { staging: 2 }, a: { production: 1 } });
    expect(formatAliases(edited)).toBe(
      '{\n  "a": {\n    "production": 1,\n    "staging": 5\n  },\n  "b": {\n    "staging": 2\n  }\n}\n',
    );
    expect(aliasChanges(aliases, edited)).toEqual([
      { name: 'a', alias: 'staging', from: null, to: 5 },
    ]);
    expect(namedVersions(edited)).toEqual([
      { name: 'a', version: 1 },
      { name: 'a', version: 5 },
      { name: 'b', version: 2 },
    ]);
  });

  it('lists every problem of an invalid file', () => {
    let error: unknown;
    try {
      parseAliases({ 'bad name': {}, m: { Production: 1, staging: '2', canary: 0 }, n: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDocumentError);
    expect((error as InvalidDocumentError).problems).toEqual([
      expect.stringContaining('model name "bad name"'),
      expect.stringContaining('m.Production: alias "Production"'),
      'm.staging: version "2" must be an integer from 1',
      'm.canary: version 0 must be an integer from 1',
      'n: must be an object of alias → version, e.g. {"production": 3}',
    ]);
    expect(() => parseAliases('{}')).toThrow('the aliases must be a JSON object');
  });
});
