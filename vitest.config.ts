import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // The tests that load onnxruntime-node directly: no telemetry from a test machine either (see
    // actions/onnx-telemetry.ts; the command line and the actions set it themselves).
    env: { ORT_DISABLE_TELEMETRY: '1' },
  },
});
