import type { Manifest } from '../../../actions/lib/registry/manifest.ts';

/** A valid manifest, as publish writes one. */
export function sampleManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    schema: 1,
    name: 'ozone-forest',
    version: 3,
    created_at: '2026-11-29T10:00:00.000Z',
    run_id: '3f2a9c1e00000000000000000000abcd',
    assets: [
      { name: 'model.json', size: 10, sha256: 'a'.repeat(64), content_type: 'application/json' },
      {
        name: 'model.onnx',
        size: 20,
        sha256: 'b'.repeat(64),
        content_type: 'application/octet-stream',
      },
    ],
    metrics: { rmse: 2.5, persistence_rmse: 3, skill: 0.1667 },
    params: { n_estimators: 100, max_depth: null },
    signature: { inputs: ['lag_1', 'lag_2'], output: 'o3' },
    data: {
      variable: 'o3',
      station: '31.731,35.2741',
      start: '2014-01-01T00:00:00.000Z',
      end: '2014-01-11T00:00:00.000Z',
      rows: 240,
      sha256: 'c'.repeat(64),
    },
    project: {
      name: 'ozone-forest',
      path: 'training/ozone-forest',
      commit: 'd'.repeat(40),
      entry_point: 'main',
    },
    workflow_run_url: null,
    ...overrides,
  };
}
