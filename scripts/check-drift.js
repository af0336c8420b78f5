// Fails when a file derived from the spec differs from what the spec generates now.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAll, root } from './generate.js';

const stale = [];
for (const [file, content] of Object.entries(await renderAll())) {
  const path = join(root, file);
  if (!existsSync(path)) stale.push(`${file} (missing)`);
  else if (readFileSync(path, 'utf8') !== content) stale.push(file);
}
if (stale.length) {
  console.error(`Generated files are out of date with openapi/:\n  ${stale.join('\n  ')}`);
  console.error('Fix: run `npm run generate` and commit the result together with the spec change.');
  process.exit(1);
}
console.log('generated files match the spec');
