import { defineConfig } from 'vitest/config';

// pcscd is one per machine: the files that start it run one at a time, in their own project.
const PCSC_FILES = ['test/devices-pcsc.test.ts', 'test/agent-e2e.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'hardware/src/**/*.test.ts', 'station-agent/src/**/*.test.ts', 'server/src/**/*.test.ts', 'contracts/src/**/*.test.ts', 'console/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...PCSC_FILES],
        },
      },
      { extends: true, test: { name: 'pcsc', include: PCSC_FILES, fileParallelism: false } },
    ],
  },
});
