// Fails when something derived from the spec differs from what the spec says now:
//   1. generated files (packages/spec bundle, packages/types) against a fresh generation;
//   2. the few hand-kept client constants that mirror the spec (API version, base URL, the
//      finished job statuses) against the bundle they would otherwise silently drift from.
// The reference docs are derived too; they are not committed, and the test command builds them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAll, root } from './generate.js';

const rendered = await renderAll();
const stale = [];
for (const [file, content] of Object.entries(rendered)) {
  const path = join(root, file);
  if (!existsSync(path)) stale.push(`${file} (missing)`);
  else if (readFileSync(path, 'utf8') !== content) stale.push(file);
}
if (stale.length) {
  console.error(`Generated files are out of date with openapi/:\n  ${stale.join('\n  ')}`);
  console.error('Fix: run `npm run generate` and commit the result together with the spec change.');
  process.exit(1);
}

const spec = JSON.parse(rendered['packages/spec/openapi.json']);
/** The string value(s) of `export const NAME = ...` in a client source file. */
function constant(file, name) {
  const source = readFileSync(join(root, 'packages/client/src', file), 'utf8');
  const match = new RegExp(`export const ${name}\\b[^=]*=\\s*(\\[[^\\]]*\\]|'[^']*')`).exec(source);
  if (!match) throw new Error(`packages/client/src/${file} no longer declares ${name} as a literal; update scripts/check-drift.js`);
  return [...match[1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
}
const statusEnum = spec.components.schemas.DocGenJob.allOf.flatMap((part) => part.properties?.status?.enum ?? []);
const mirrors = [
  ['BOX_VERSION (transport.ts)', constant('transport.ts', 'BOX_VERSION'), spec.components.parameters.BoxVersion.schema.enum],
  ['DEFAULT_BASE_URL (resources.ts)', constant('resources.ts', 'DEFAULT_BASE_URL'), [spec.servers[0].url]],
  ['FINISHED_STATUSES (wait.ts)', constant('wait.ts', 'FINISHED_STATUSES'), statusEnum],
];
const off = mirrors.flatMap(([name, values, allowed]) =>
  values.length && values.every((value) => allowed.includes(value)) ? [] : [`${name}: ${JSON.stringify(values)} not in the spec's ${JSON.stringify(allowed)}`]);
if (off.length) {
  console.error(`Client constants that mirror the spec disagree with it:\n  ${off.join('\n  ')}`);
  console.error('Fix: update the constant (or the spec), so the client sends what the spec describes.');
  process.exit(1);
}
console.log('generated files match the spec; client constants agree with it');
