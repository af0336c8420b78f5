// The mock's entries meant for browser test code bundle for the browser: esbuild with
// platform=browser fails on any Node built-in they would pull in (node:http, node:fs, …).
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { root } from '../../scripts/lib/workspaces.js';

it.each(['@box-docgen/mock/msw', '@box-docgen/mock/remote'])(
  '%s bundles for the browser, with no Node built-in',
  async (entry) => {
    const result = await build({
      stdin: { contents: `export * from '${entry}';`, resolveDir: root, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      external: ['msw'],
      absWorkingDir: root,
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  },
);
