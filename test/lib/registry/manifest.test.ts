import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../../actions/lib/registry/errors.ts';
import {
  contentTypeOf,
  findAsset,
  formatManifest,
  manifestProblems,
  parseManifest,
} from '../../../actions/lib/registry/manifest.ts';
import { sampleManifest } from './sample-manifest.ts';

describe('parseManifest', () => {
  it('accepts a valid manifest, with fields it does not know, and round-trips its text', () => {
    const manifest = { ...sampleManifest(), extra: { card: 'more' } };
    const parsed = parseManifest(JSON.parse(formatManifest(manifest)));
    expect(parsed).toEqual(manifest);
    expect(findAsset(parsed, 'model.onnx')?.size).toBe(20);
    expect(findAsset(parsed, 'nothing.bin')).toBeUndefined();
  });

  it('lists every problem at once', () => {
    const broken = {
      ...sampleManifest(),
      schema: 2,
      version: 1.5,
      name: 'bad name',
      created_at: 'yesterday',
      assets: [
        {
          name: 'manifest.json',
          size: 1,
          sha256: 'a'.repeat(64),
          content_type: 'application/json',
        },
        { name: 'plots/a.png', size: -1, sha256: 'XYZ', content_type: 'png' },
      ],
      data: { ...sampleManifest().data, rows: 'many' },
      project: { name: 'p', path: 'x', commit: 7, entry_point: 'main' },
    };
    const problems = manifestProblems(broken);
    expect(problems).toEqual([
      'schema must be 1',
      expect.stringContaining('model name "bad name"'),
      'version 1.5 must be an integer from 1',
      'created_at must be an ISO 8601 instant',
      'assets[0]: manifest.json does not list itself',
      expect.stringContaining('assets[1].name must be a flat file name'),
      'assets[1].size must be a byte count',
      'assets[1].sha256 must be 64 lower-case hex digits',
      'assets[1].content_type must be a media type',
      'data.rows must be a row count',
      'project.commit must be a string or null',
    ]);
    expect(() => parseManifest(broken)).toThrow(InvalidDocumentError);
  });

  it('rejects what is not an object, and a twice-listed asset', () => {
    expect(manifestProblems([])).toEqual(['the manifest must be a JSON object']);
    const asset = sampleManifest().assets[0];
    expect(manifestProblems({ ...sampleManifest(), assets: [asset, asset] })).toEqual([
      'assets[1]: model.json is listed twice',
    ]);
  });
});

describe('contentTypeOf', () => {
  it('names the media type by extension, octet-stream otherwise', () => {
    expect(contentTypeOf('model.json')).toBe('application/json');
    expect(contentTypeOf('predictions.CSV')).toBe('text/csv');
    expect(contentTypeOf('model.onnx')).toBe('application/octet-stream');
    expect(contentTypeOf('README')).toBe('application/octet-stream');
  });
});
