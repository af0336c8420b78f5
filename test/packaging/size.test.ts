// The client's size budget (see scripts/size.js, also `npm run size`): a browser app that
// creates a batch, waits for it and lists jobs, bundled and minified by esbuild, stays under
// 5.75 KiB gzip -9 on the lite entry it imports (operation table included, openapi-fetch left
// out), and under 8.25 KiB on the main entry (which adds `raw`, and openapi-fetch with it).
import { expect, it } from 'vitest';
import { BUDGET_BYTES, FULL_BUDGET_BYTES, formatReport, measureSize } from '../../scripts/size.js';

it(`the browser app stays under ${BUDGET_BYTES} bytes gzipped on /lite, ${FULL_BUDGET_BYTES} on the main entry`, async () => {
  const report = await measureSize();
  console.log(formatReport(report));
  expect(
    report.files.some((f) => f.pkg === 'openapi-fetch'),
    'openapi-fetch is not in the lite bundle',
  ).toBe(false);
  expect(
    report.files.some((f) => f.file === 'endpoints.js'),
    'the operation table is in the bundle',
  ).toBe(true);
  expect(
    report.files.some((f) => f.file === 'dist/lite.js'),
    'the app is bundled from the lite entry',
  ).toBe(true);
  expect(
    report.gzip,
    `${report.gzip} bytes gzip is over the budget of ${BUDGET_BYTES}:\n${formatReport(report)}`,
  ).toBeLessThanOrEqual(BUDGET_BYTES);
  // raw costs what openapi-fetch weighs; the main entry must carry it.
  expect(report.mainEntry.gzip - report.gzip).toBeGreaterThan(1024);
  expect(
    report.mainEntry.gzip,
    `on the main entry: ${report.mainEntry.gzip} bytes gzip > ${FULL_BUDGET_BYTES}`,
  ).toBeLessThanOrEqual(FULL_BUDGET_BYTES);
}, 60_000);
