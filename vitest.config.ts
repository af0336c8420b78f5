import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // One Prism server from the bundled spec for the whole run, serving the spec's examples;
    // tests read its URL with inject('mockUrl').
    globalSetup: ['test/mock-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
