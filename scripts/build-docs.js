// Reference docs, both offline:
//   <out>/api/index.html   the HTTP API reference: `redocly build-docs` on the bundled spec, with
//                          the Redoc script inlined (--inlineBundle) so the page loads nothing
//                          from a CDN and works from file://
//   <out>/client/          the client's API docs: TypeDoc with typedoc.json
//
//   node scripts/build-docs.js [--out docs]
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildDocs(out = join(root, 'docs')) {
  const api = join(out, 'api/index.html');
  const client = join(out, 'client');
  rmSync(join(out, 'api'), { recursive: true, force: true });
  rmSync(client, { recursive: true, force: true });
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
      client,
      '--treatWarningsAsErrors',
    ]),
  ]);
  for (const file of [api, join(client, 'index.html')]) {
    if (!existsSync(file)) throw new Error(`expected ${file} to be written`);
  }
  return { api, client, timings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.findIndex((arg) => arg === '--out' || arg.startsWith('--out='));
  const out = at < 0 ? undefined : resolve(args[at].includes('=') ? args[at].split('=')[1] : args[at + 1]);
  try {
    const { api, client, timings } = await buildDocs(out);
    console.log(`HTTP API reference: ${relative(process.cwd(), api)}`);
    console.log(`client API docs:    ${relative(process.cwd(), join(client, 'index.html'))}`);
    console.log(`(${timings.join(', ')})`);
  } catch (error) {
    console.error(`docs: ${error.message}`);
    process.exitCode = 1;
  }
}
