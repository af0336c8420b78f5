// The client's size budget (see scripts/size.js, also `npm run size`): a browser app that
// creates a batch, waits for it and lists jobs, bundled and minified by esbuild with
// openapi-fetch included, stays under the budget (6.75 KiB gzip -9; the target is 6 KiB).
import { expect, it } from 'vitest';
import { BUDGET_BYTES, formatReport, measureSize } from '../../scripts/size.js';

it(`the browser app stays under ${BUDGET_BYTES} bytes gzipped`, async () => {
  const report = await measureSize();
  console.log(formatReport(report));
  expect(report.files.some((f) => f.pkg === 'openapi-fetch'), 'openapi-fetch is in the bundle').toBe(true);
  expect(report.gzip, `${report.gzip} bytes gzip is over the budget of ${BUDGET_BYTES}:\n${formatReport(report)}`).toBeLessThanOrEqual(BUDGET_BYTES);
}, 60_000);
