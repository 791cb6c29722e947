// A manifest.json of the registry's contract (as actions/lib/registry/manifest.ts checks it), for the
// site's tests.

/** A manifest as the registry's contract describes it. */
export function manifestOf(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 1,
    name: 'ozone-forest',
    version: 3,
    created_at: '2014-02-10T02:00:00Z',
    run_id: 'a'.repeat(32),
    assets: [
      { name: 'model.json', size: 10, sha256: 'b'.repeat(64), content_type: 'application/json' },
    ],
    metrics: { rmse: 3.4, persistence_rmse: 4 },
    params: { n_estimators: 10 },
    signature: { inputs: ['o3_lag0', 'o3_lag24'], output: 'o3' },
    data: {
      variable: 'o3',
      station: '31.731,35.2741',
      start: '2014-01-01T00:00:00Z',
      end: '2014-02-10T00:00:00Z',
      rows: 960,
      sha256: 'c'.repeat(64),
    },
    project: {
      name: 'ozone-forest',
      path: 'training/ozone-forest',
      commit: null,
      entry_point: 'main',
    },
    workflow_run_url: null,
    ...overrides,
  };
}
