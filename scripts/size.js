// The client's size budget: a browser app that creates a batch, waits for it and lists jobs
// (test/packaging/size-app.ts), bundled and minified by esbuild with openapi-fetch included,
// must stay under the budget gzipped (gzip -9). Prints the figure and where the bytes go.
//
//   npm run size      (the same check runs in vitest: test/packaging/size.test.ts)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { assertBuilt, root, workspaces } from './lib/workspaces.js';

// The app imports @box-docgen/client/lite, as the README tells browser apps to. The target was
// 5 KiB, operation table and request rules included (lite bundles none of openapi-fetch), and the
// table alone met it (5,015 B). The hardening that followed (redaction of sent tokens, the token
// lookup inside the deadline, duration and header checks, loop detection, expectedJobs) costs
// about 650 B, so the budget is 5.75 KiB until that is won back. The same app on the main entry
// (which adds `raw`, and with it all of openapi-fetch) is held under 8.25 KiB.
export const BUDGET_BYTES = 5.75 * 1024;
export const FULL_BUDGET_BYTES = 8.25 * 1024;
const MAIN_ENTRY = { '@box-docgen/client/lite': '@box-docgen/client' };

const APP = join(root, 'test', 'packaging', 'size-app.ts');
const OPENAPI_FETCH_ONLY = join(root, 'test', 'packaging', 'openapi-fetch-only.ts');

/**
 * Bundles one entry the way the budget is measured (the benchmarks use it too); `alias` swaps
 * one import for another, as MAIN_ENTRY does.
 */
export async function bundle(entry, external = [], alias = {}) {
  const result = await build({
    external,
    alias,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: root,
    outfile: 'size-app.js',
  });
  const output = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
  return {
    bytes: output.contents.length,
    gzip: gzip(output.contents),
    metafile: result.metafile,
    text: output.text,
    gzipOf: gzip,
  };
}

/** Where a bundled input came from: a package (with its file) or the app. */
export function owner(input) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(input);
  if (m) return { pkg: m[1], file: m[2] };
  const ws = /^packages\/([^/]+)\/(.*)$/.exec(input);
  if (ws) return { pkg: `@box-docgen/${ws[1]}`, file: ws[2] };
  return { pkg: '(app)', file: input };
}

/** Bundles the app and reports its size, per package and per file. */
export async function measureSize() {
  for (const ws of workspaces()) if (ws.name === '@box-docgen/client') assertBuilt(ws);
  const app = await bundle(APP);
  const [, out] = Object.entries(app.metafile.outputs).find(([file]) => file.endsWith('.js'));
  const files = Object.entries(out.inputs)
    .map(([input, { bytesInOutput }]) => ({ ...owner(input), input, bytes: bytesInOutput }))
    .filter((f) => f.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const packages = {};
  for (const f of files) packages[f.pkg] = (packages[f.pkg] ?? 0) + f.bytes;
  const fetchOnly = await bundle(OPENAPI_FETCH_ONLY);
  const mainEntry = await bundle(APP, [], MAIN_ENTRY);
  // gzip does not split by file, so the figure is taken in layers: the app alone (the client
  // left as an import), then with the client (openapi-fetch left as an import), then all.
  const appAlone = (await bundle(APP, ['@box-docgen/client/lite'])).gzip;
  const withClient = (await bundle(APP, ['openapi-fetch'])).gzip;
  const marginalGzip = {
    '(app)': appAlone,
    '@box-docgen/client': withClient - appAlone,
    'openapi-fetch': app.gzip - withClient,
  };
  return {
    marginalGzip,
    budget: BUDGET_BYTES,
    mainEntry: { minified: mainEntry.bytes, gzip: mainEntry.gzip, budget: FULL_BUDGET_BYTES },
    gzip: app.gzip,
    minified: app.bytes,
    packages,
    files,
    openapiFetchAlone: { minified: fetchOnly.bytes, gzip: fetchOnly.gzip },
  };
}

export function formatReport(r) {
  const kib = (n) => `${(n / 1024).toFixed(2)} KiB`;
  const lines = [
    `size-app (create batch + wait + list jobs), esbuild --bundle --minify, browser ESM:`,
    `  on @box-docgen/client/lite: ${r.minified} bytes minified, ${r.gzip} bytes gzip -9 (${kib(r.gzip)}); budget ${r.budget} bytes (${kib(r.budget)}) gzip`,
    `  on @box-docgen/client (with raw): ${r.mainEntry.minified} bytes minified, ${r.mainEntry.gzip} bytes gzip -9 (${kib(r.mainEntry.gzip)}); budget ${r.mainEntry.budget} bytes (${kib(r.mainEntry.budget)}) gzip`,
    `  openapi-fetch alone (createClient + GET + POST): ${r.openapiFetchAlone.minified} bytes minified, ${r.openapiFetchAlone.gzip} bytes gzip -9`,
    '',
    '  on /lite, minified bytes by package:',
    ...Object.entries(r.packages).map(
      ([pkg, bytes]) =>
        `    ${pkg.padEnd(24)} ${String(bytes).padStart(6)}  ${((100 * bytes) / r.minified).toFixed(1).padStart(5)}%` +
        (r.marginalGzip[pkg] !== undefined ? `   (adds ${r.marginalGzip[pkg]} bytes gzip)` : ''),
    ),
    '',
    '  on /lite, minified bytes by file:',
    ...r.files.map((f) => `    ${`${f.pkg}/${f.file}`.padEnd(48)} ${String(f.bytes).padStart(6)}`),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await measureSize();
  console.log(formatReport(report));
  const over = [
    ['@box-docgen/client/lite', report.gzip, report.budget],
    ['@box-docgen/client', report.mainEntry.gzip, report.mainEntry.budget],
  ].filter(([, gzip, budget]) => gzip > budget);
  for (const [entry, gzip, budget] of over)
    console.error(`\nover budget on ${entry}: ${gzip} bytes gzip > ${budget} bytes (by ${gzip - budget})`);
  if (over.length) process.exit(1);
  console.log(
    `\nwithin budget (${report.budget - report.gzip} and ${report.mainEntry.budget - report.mainEntry.gzip} bytes to spare)`,
  );
}
