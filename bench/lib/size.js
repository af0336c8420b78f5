// Bundle size of the same browser app (create a batch, wait for its jobs, list every job) on each
// library: esbuild --bundle --minify, platform browser, ESM, es2022 (the options of
// scripts/size.js), then gzip -9. The apps type-check (npm run bench runs tsc -p bench/apps).
// platform=browser means esbuild follows each package's "browser" field and fails on any Node
// built-in left over, so a bundle that builds here needs no Node polyfills.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stop } from 'esbuild';
import { bundle, owner } from '../../scripts/size.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const APPS = {
  'openapi-fetch': { label: 'plain openapi-fetch', entry: 'bench/apps/openapi-fetch-app.ts' },
  'box-docgen': { label: '@box-docgen/client/lite', entry: 'test/packaging/size-app.ts' },
  // The same app file on the main entry, which adds `raw` (openapi-fetch's request builder).
  'box-docgen-main': {
    label: '@box-docgen/client (with raw)',
    entry: 'test/packaging/size-app.ts',
    alias: { '@box-docgen/client/lite': '@box-docgen/client' },
  },
  'box-node-sdk': { label: 'box-node-sdk (BoxClient)', entry: 'bench/apps/box-node-sdk-app.ts' },
  'box-node-sdk-docgen': { label: 'box-node-sdk (DocgenManager only)', entry: 'bench/apps/box-node-sdk-docgen-app.ts' },
};

async function measure(entry, alias) {
  const { bytes, gzip, metafile } = await bundle(join(root, entry), [], alias);
  const [, meta] = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.js'));
  const packages = {};
  for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
    const { pkg } = owner(input);
    if (bytesInOutput) packages[pkg] = (packages[pkg] ?? 0) + bytesInOutput;
  }
  return { minified: bytes, gzip, packages };
}

/**
 * What the generated operation table and the checker of its request rules add to the lite app:
 * the app bundled again with both replaced by empty stand-ins (bench/apps/stubs), subtracted.
 */
async function tableCost(lite) {
  const alias = {
    '@box-docgen/types/endpoints': './bench/apps/stubs/endpoints.js',
    '@box-docgen/types/check': './bench/apps/stubs/check.js',
  };
  const without = await measure(APPS['box-docgen'].entry, alias);
  return {
    minified: lite.minified - without.minified,
    gzip: lite.gzip - without.gzip,
    share: (lite.gzip - without.gzip) / lite.gzip,
  };
}

export async function benchSize({ log = () => {} } = {}) {
  const result = {
    options: 'esbuild --bundle --minify --platform=browser --format=esm --target=es2022, gzip -9',
    apps: {},
  };
  for (const [name, app] of Object.entries(APPS))
    result.apps[name] = { ...app, ...(await measure(app.entry, app.alias)) };
  result.table = await tableCost(result.apps['box-docgen']);
  await stop(); // esbuild's service process: not left running beside the timed sections
  const base = result.apps['openapi-fetch'].gzip;
  for (const app of Object.values(result.apps)) app.gzipRatio = app.gzip / base;
  log(`  bundled ${Object.keys(APPS).length} apps for the browser`);
  return result;
}
