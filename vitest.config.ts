import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Hang guards, not speed limits: CI shares its cores, and a loaded machine (.ci/under-load) runs
    // a CLI subprocess or a browser many times slower than an idle one.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Browser and SMTP tests start real servers; two workers match the two cores here.
    maxWorkers: 2,
  },
});
