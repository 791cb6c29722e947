import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { RegistryNotFoundError } from '../../../actions/lib/registry/errors.ts';
import {
  formatModelUri,
  parseModelUri,
  resolveModelUri,
} from '../../../actions/lib/registry/uri.ts';

describe('parseModelUri', () => {
  it('parses the three forms and formats them back', () => {
    const cases = [
      ['models:/ozone-forest/3', { kind: 'version', name: 'ozone-forest', version: 3 }],
      [
        'models:/ozone-forest@production',
        { kind: 'alias', name: 'ozone-forest', alias: 'production' },
      ],
      [
        'runs:/3f2a9c1e/plots/residuals.png',
        { kind: 'run', runId: '3f2a9c1e', artifact: 'plots/residuals.png' },
      ],
    ] as const;
    for (const [text, uri] of cases) {
      expect(parseModelUri(text)).toEqual(uri);
      expect(formatModelUri(parseModelUri(text))).toBe(text);
    }
  });

  it.each([
    ['model:/x/1', 'unknown scheme'],
    ['models:/ozone-forest', 'a version (/N) or an alias (@alias) must follow the name'],
    ['models:/ozone-forest/0', 'version "0" must be a whole number from 1'],
    ['models:/ozone-forest/v3', 'version "v3" must be a whole number from 1'],
    ['models:/ozone-forest/3/extra', 'version "3/extra"'],
    ['models:/ozone forest/3', 'model name "ozone forest"'],
    ['models:/ozone-forest@Production', 'alias "Production"'],
    ['models:/@production', 'model name ""'],
    ['runs:/abc', 'an artifact path must follow the run id'],
    ['runs:/abc/../secret', 'must be a relative path'],
    ['runs:/a.b/model.json', 'run id "a.b"'],
  ])('rejects %s with a clear message', (text, why) => {
    let error: unknown;
    try {
      parseModelUri(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).toContain(JSON.stringify(text));
  });
});

describe('resolveModelUri', () => {
  const aliases = { 'ozone-forest': { production: 3, staging: 4 }, other: {} };

  it('resolves an alias and a version', () => {
    expect(
      resolveModelUri({ kind: 'alias', name: 'ozone-forest', alias: 'staging' }, aliases),
    ).toEqual({
      name: 'ozone-forest',
      version: 4,
    });
    expect(
      resolveModelUri({ kind: 'version', name: 'ozone-forest', version: 2 }, aliases, [1, 2, 3, 4]),
    ).toEqual({ name: 'ozone-forest', version: 2 });
  });

  it('names what there is when a name, an alias or a version is unknown', () => {
    const resolve = (text: string, versions?: number[]) => () =>
      resolveModelUri(parseModelUri(text) as never, aliases, versions);
    expect(resolve('models:/nope@production')).toThrow(
      'models:/nope@production: no aliases for a model named nope (models with aliases: other, ozone-forest)',
    );
    expect(resolve('models:/ozone-forest@canary')).toThrow(
      'ozone-forest has no alias canary (its aliases: production, staging)',
    );
    expect(resolve('models:/ozone-forest/9', [3, 1, 2])).toThrow(
      'ozone-forest has no version 9 (its versions: 1, 2, 3)',
    );
    expect(resolve('models:/ozone-forest@production', [1])).toThrow(RegistryNotFoundError);
    expect(resolve('models:/nope/1', [])).toThrow('there is no model named nope');
  });
});
