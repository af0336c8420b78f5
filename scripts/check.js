// `npm run check`: what a contributor runs before pushing. Runs every step even after one
// fails, so one run lists every problem, then prints a summary and exits non-zero on a failure.
//   lint            redocly lint with redocly.yaml
//   code            biome: formatting and lint rules (floating promises, unused code) of the code base
//   drift           generated files (packages/spec, packages/types) match a fresh generation
//   breaking        breaking-change gate against packages/spec/released/openapi.json
//   changesets      every package with changed published files is named by a new changeset
//   build           tsc -b of the client and the mock
//   typecheck       the type tests (test/types), after a successful build
// Extra arguments go to the changeset step, e.g. `npm run check -- --base origin/main`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const extra = process.argv.slice(2);

const steps = [
  { name: 'lint', args: ['run', 'lint'] },
  { name: 'code', args: ['run', 'lint:code'] },
  { name: 'drift', args: ['run', 'check:drift'] },
  { name: 'breaking', args: ['run', 'check:breaking'] },
  { name: 'changesets', args: ['run', 'check:changesets', ...(extra.length ? ['--', ...extra] : [])] },
  { name: 'build', args: ['run', 'build'] },
  { name: 'typecheck', args: ['run', 'typecheck'], after: 'build' },
];

const results = new Map();
for (const step of steps) {
  if (step.after && results.get(step.after)?.status !== 'ok') {
    results.set(step.name, { status: 'skipped', ms: 0, note: `${step.after} failed` });
    continue;
  }
  console.log(`\n── ${step.name}: npm ${step.args.join(' ')}`);
  const started = performance.now();
  const run = spawnSync(npm, ['--silent', ...step.args], { cwd: root, stdio: 'inherit' });
  results.set(step.name, { status: run.status === 0 ? 'ok' : 'FAILED', ms: Math.round(performance.now() - started) });
}

console.log('\n── summary');
for (const [name, { status, ms, note }] of results) {
  console.log(
    `  ${status === 'ok' ? '✔' : status === 'skipped' ? '-' : '✖'} ${name.padEnd(11)} ${status}${note ? ` (${note})` : ''}${ms ? `  ${(ms / 1000).toFixed(1)} s` : ''}`,
  );
}
const failed = [...results].filter(([, { status }]) => status !== 'ok').map(([name]) => name);
if (failed.length) {
  console.error(`\n✖ npm run check failed: ${failed.join(', ')}. See CONTRIBUTING.md for what each step wants.`);
  process.exitCode = 1;
} else {
  console.log('\n✔ ready to push.');
}
