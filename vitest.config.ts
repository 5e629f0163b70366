import { defineConfig } from 'vitest/config';

const moto = {
  globalSetup: ['test/helpers/moto-global-setup.ts'],
  setupFiles: ['test/helpers/moto-account.ts'],
};

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env: { POWERTOOLS_LOG_LEVEL: 'SILENT' } },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          ...moto,
          // The browser tests' Chromium (apt-get install chromium when missing), once per run.
          globalSetup: [...moto.globalSetup, 'test/helpers/chromium-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          ...moto,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
