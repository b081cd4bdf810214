import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    // Control numbers of the CLI runs are counted in a file of the test run, never the user's.
    env: { X12PAS_CONTROL_FILE: join(tmpdir(), `x12pas-test-control-${process.pid}.json`) },
  },
});
