// Reference docs, both offline:
//   <out>/api/index.html   the HTTP API reference: `redocly build-docs` on the bundled spec, with
//                          the Redoc script inlined (--inlineBundle) so the page loads nothing
//                          from a CDN and works from file://
//   <out>/reference/       the TypeScript API of the client, the mock and the CLI: TypeDoc with
//                          typedoc.json, one module per entry point (`@box-docgen/client/auth`, …),
//                          each package's page opening with its README. Its landing page is
//                          docs/reference.md plus the operations in the order a user calls them,
//                          written here from the operation table and the spec.
//
//   node scripts/build-docs.js [--out docs]
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { endpoints, helperEndpoints } from '@box-docgen/types/endpoints';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

// The order a user works in: mark a template, start batches, follow their jobs. A resource the
// spec adds later comes after these, so it is listed without an edit here.
const USER_ORDER = ['templates', 'batches', 'jobs'];
const ENTRY_TITLES = { auth: 'Signing in', download: 'Downloading the documents' };

const VERB_ORDER = ['POST', 'GET', 'DELETE']; // make one, look at it, remove it
const byVerb = (a, b) => VERB_ORDER.indexOf(a.method) - VERB_ORDER.indexOf(b.method);

/** The landing page's operations section: every operation of the table, grouped the way a user meets them. */
export function operationsSection(spec) {
  const summary = (e) => spec.paths[e.path][e.method.toLowerCase()].summary;
  const resources = [...new Set(Object.values(endpoints).map((e) => e.resource))].sort(
    (a, b) => (USER_ORDER.indexOf(a) + 1 || 99) - (USER_ORDER.indexOf(b) + 1 || 99),
  );
  const resource = (name) =>
    [
      `### \`docgen.${name}\``,
      '',
      ...Object.values(endpoints)
        .filter((e) => e.resource === name)
        .sort(byVerb)
        .map((e) => `- \`docgen.${name}.${e.name}()\`: ${summary(e)} (\`${e.method} ${e.path}\`)`),
    ].join('\n');
  const entry = (name) =>
    [
      `### ${ENTRY_TITLES[name] ?? `\`@box-docgen/client/${name}\``}`,
      '',
      `Sent by {@link "@box-docgen/client"."@box-docgen/client/${name}" | @box-docgen/client/${name}}:`,
      '',
      ...Object.values(helperEndpoints)
        .filter((e) => e.entry === name)
        .map((e) => `- ${summary(e)} (\`${e.method} ${e.path}\`)`),
    ].join('\n');
  const entries = [...new Set(Object.values(helperEndpoints).map((e) => e.entry))];
  // Signing in comes first and downloading last: that is when a user needs them.
  const sections = [
    ...entries.filter((e) => e === 'auth').map(entry),
    ...resources.map(resource),
    ...entries.filter((e) => e !== 'auth').map(entry),
  ];
  const wait =
    '`batches.wait()` and `jobs.wait()` poll the list and get operations above until the jobs have finished.';
  return `${sections.join('\n\n')}\n\n${wait}\n`;
}

/** docs/reference.md with the operations section written in at its marker. */
function landingPage() {
  const page = readFileSync(join(root, 'docs/reference.md'), 'utf8');
  const marker = /<!-- operations:.*-->\n/;
  if (!marker.test(page)) throw new Error('docs/reference.md has no <!-- operations: … --> marker');
  const spec = JSON.parse(readFileSync(join(root, 'packages/spec/openapi.json'), 'utf8'));
  return page.replace(marker, operationsSection(spec));
}

export async function buildDocs(out = join(root, 'docs')) {
  const api = join(out, 'api/index.html');
  const reference = join(out, 'reference');
  rmSync(join(out, 'api'), { recursive: true, force: true });
  rmSync(reference, { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), 'box-docgen-docs-'));
  const landing = join(scratch, 'reference.md');
  writeFileSync(landing, landingPage());
  mkdirSync(join(out, 'api'), { recursive: true });
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const step = async (label, args) => {
    const started = performance.now();
    try {
      await run(process.execPath, args, { cwd: root, env, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      throw new Error(`${label} failed:\n${`${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || error.message}`);
    }
    return `${label} in ${Math.round(performance.now() - started)} ms`;
  };
  const timings = await Promise.all([
    step('redocly build-docs', [
      join(root, 'node_modules/@redocly/cli/bin/cli.js'),
      'build-docs',
      'packages/spec/openapi.json',
      '--output',
      api,
      '--inlineBundle',
      '--title',
      'Box Doc Gen API reference',
    ]),
    step('typedoc', [
      join(root, 'node_modules/typedoc/bin/typedoc'),
      '--options',
      'typedoc.json',
      '--out',
      reference,
      '--readme',
      landing,
      '--treatWarningsAsErrors',
    ]),
  ]).finally(() => rmSync(scratch, { recursive: true, force: true }));
  for (const file of [api, join(reference, 'index.html')]) {
    if (!existsSync(file)) throw new Error(`expected ${file} to be written`);
  }
  return { api, reference, timings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.findIndex((arg) => arg === '--out' || arg.startsWith('--out='));
  const out = at < 0 ? undefined : resolve(args[at].includes('=') ? args[at].split('=')[1] : args[at + 1]);
  try {
    const { api, reference, timings } = await buildDocs(out);
    console.log(`HTTP API reference:       ${relative(process.cwd(), api)}`);
    console.log(`TypeScript API reference: ${relative(process.cwd(), join(reference, 'index.html'))}`);
    console.log(`(${timings.join(', ')})`);
  } catch (error) {
    console.error(`docs: ${error.message}`);
    process.exitCode = 1;
  }
}
