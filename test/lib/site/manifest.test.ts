import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../actions/lib/errors.ts';
import { parseManifest } from '../../../actions/lib/site/manifest.ts';
import { manifestOf } from './manifest-fixture.ts';

const problemsOf = (text: string): readonly string[] => {
  try {
    parseManifest(text, 'm.json');
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
  return [];
};

describe('parseManifest', () => {
  it('reads a manifest of the contract', () => {
    const manifest = parseManifest(JSON.stringify(manifestOf()), 'm.json');
    expect(manifest.version).toBe(3);
    expect(manifest.signature.inputs).toEqual(['o3_lag0', 'o3_lag24']);
    expect(manifest.project.commit).toBeNull();
    expect(manifest.data.rows).toBe(960);
  });

  it('lists every problem, each naming the file and the field', () => {
    const text = JSON.stringify(
      manifestOf({
        schema: 2,
        version: '3',
        metrics: { rmse: 'low' },
        data: {
          variable: 'o3',
          station: 's',
          start: 'yesterday',
          end: '2014-01-02Z',
          rows: -1,
          sha256: 'x',
        },
        assets: [{ name: 'model.json' }],
      }),
    );
    expect(problemsOf(text)).toEqual([
      'm.json: schema must be 1, got 2',
      'm.json: version must be a whole number, got "3"',
      'm.json assets[0]: size must be a byte count, got nothing',
      'm.json assets[0]: sha256 must be a sha256, got nothing',
      'm.json assets[0]: content_type must be a media type, got nothing',
      'm.json: metric rmse must be a finite number, got "low"',
      'm.json data: start must be an ISO 8601 instant, got "yesterday"',
      'm.json data: rows must be a row count, got -1',
    ]);
  });

  it('says when it is not JSON or not an object', () => {
    expect(problemsOf('{')[0]).toMatch(/^m\.json is not valid JSON/);
    expect(problemsOf('[]')).toEqual(['m.json must be a JSON object']);
  });
});
