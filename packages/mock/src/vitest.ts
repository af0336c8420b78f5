/**
 * Vitest global setup: starts one mock server for the test run and provides its URL.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['@box-docgen/mock/vitest'] } });
 *
 *   // a test
 *   import { inject } from 'vitest';
 *   const baseUrl = inject('mockUrl');
 */
import type { TestProject } from 'vitest/node';

import { startMockServer } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the mock server started by @box-docgen/mock/vitest. */
    mockUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mock = await startMockServer();
  project.provide('mockUrl', mock.url);
  return () => mock.close();
}
