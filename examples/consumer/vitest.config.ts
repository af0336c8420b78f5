import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One mock of the Box Doc Gen API for the whole run; tests reach it with
    // useSharedMockServer() (or inject('mockUrl')). BOX_DOCGEN_MOCK_SCENARIO picks its scenario.
    globalSetup: ['@box-docgen/mock/vitest'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
