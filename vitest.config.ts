import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // One Prism server from the bundled spec for the whole run; tests read its URL with inject('mockUrl').
    globalSetup: ['@box-docgen/mock/vitest'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
