import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The CLI keeps invocation counters and what it learnt of each meter in a state directory; tests get a
// fresh one so they never read or write the user's ~/.meterscope.
const stateDir = process.env.METERSCOPE_STATE_DIR ?? mkdtempSync(join(tmpdir(), 'meterscope-test-state-'));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20000,
    pool: 'threads',
    setupFiles: ['scripts/vitest-setup.ts'],
    env: { METERSCOPE_STATE_DIR: stateDir },
  },
});
