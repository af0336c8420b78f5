// Fails when something derived from the spec differs from what the spec says now:
//   1. generated files (packages/spec bundle, packages/types: types and operation table)
//      against a fresh generation;
//   2. the client's finished job statuses, the one hand-kept list of spec values, against the
//      spec's job status enum (the compiler checks the same with `satisfies`).
// The reference docs are derived too; they are not committed, and the test command builds them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
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

/**
 * The string elements of `export const NAME = [...]` in a client source file, read with the
 * TypeScript parser (`as const` and `satisfies` around the array are looked through).
 */
function stringArray(file, name) {
  const path = join(root, 'packages/client/src', file);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (declaration.name.getText(source) !== name) continue;
      let init = declaration.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)))
        init = init.expression;
      if (init && ts.isArrayLiteralExpression(init) && init.elements.every(ts.isStringLiteral))
        return init.elements.map((e) => e.text);
    }
  }
  throw new Error(
    `packages/client/src/${file} no longer declares ${name} as an array of strings; update scripts/check-drift.js`,
  );
}

// The box-version value and the base URL are generated (packages/types/endpoints.js); which job
// statuses are final is ours to say, but each must be a status the spec has.
const statusEnum = spec.components.schemas.DocGenJob.allOf.flatMap((part) => part.properties?.status?.enum ?? []);
const finished = stringArray('wait.ts', 'FINISHED_STATUSES');
const unknown = finished.filter((status) => !statusEnum.includes(status));
if (!finished.length || unknown.length) {
  console.error(
    `FINISHED_STATUSES (packages/client/src/wait.ts) ${JSON.stringify(finished)} has statuses the spec lacks: ${JSON.stringify(unknown)} (the spec's: ${JSON.stringify(statusEnum)})`,
  );
  console.error('Fix: update the constant (or the spec), so the client waits for statuses Box sends.');
  process.exit(1);
}
console.log('generated files match the spec; FINISHED_STATUSES agrees with it');
