// models/aliases.schema.json says what parseAliases checks: the same patterns for names and
// aliases, integer versions from 1; and the repository's models/aliases.json is valid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aliasesProblems } from '../../../actions/lib/registry/aliases.ts';
import { ALIAS_PATTERN, MODEL_NAME_PATTERN } from '../../../actions/lib/registry/names.ts';

const schema = JSON.parse(readFileSync('models/aliases.schema.json', 'utf8'));

describe('models/aliases.schema.json', () => {
  it('uses the library patterns for model names and aliases', () => {
    expect(schema.propertyNames.pattern).toBe(MODEL_NAME_PATTERN.source);
    expect(schema.additionalProperties.propertyNames.pattern).toBe(ALIAS_PATTERN.source);
    expect(schema.additionalProperties.additionalProperties).toEqual({
      type: 'integer',
      minimum: 1,
    });
    // The names a git tag refuses, which the library refuses too.
    const refused = new RegExp(schema.propertyNames.not.pattern);
    for (const name of ['a..b', 'model.', 'model.lock']) {
      expect(refused.test(name), name).toBe(true);
      expect(aliasesProblems({ [name]: {} }), name).not.toEqual([]);
    }
  });

  it("validates the repository's models/aliases.json", () => {
    expect(aliasesProblems(JSON.parse(readFileSync('models/aliases.json', 'utf8')))).toEqual([]);
  });
});
