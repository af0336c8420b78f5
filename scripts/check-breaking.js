// Breaking-change gate: compares the bundled spec with the last released one and fails on a
// breaking change unless a pending changeset declares a major bump of @box-docgen/spec.
//
//   node scripts/check-breaking.js [--base <released.json>] [--revision <bundle.json>] [--changesets <dir>]
//
// The comparison is `redocly diff` with the diff-recommended rules (scripts/redocly-diff.yaml),
// which walks both documents from every operation with $refs resolved and rates each change
// major/minor/patch by the direction it is used in (request or response). On top of its major
// verdicts this gate adds two rules of our own, for changes that keep the wire compatible but
// break code compiled against the generated types (@box-docgen/types):
//   sdk-response-enum-narrowed    a response enum lost values: `status === 'gone'` stops compiling
//   sdk-request-property-removed  a request body property was removed: callers still sending it
//                                 get an excess-property error
// Exit codes: 0 no breaking change, or all of them declared; 1 undeclared breaking change;
// 2 the gate itself could not run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SPEC_PACKAGE = '@box-docgen/spec';

const HELP = `Usage: node scripts/check-breaking.js [options]
  --base <file>        last released bundle   (default packages/spec/released/openapi.json)
  --revision <file>    bundle to check        (default packages/spec/openapi.json)
  --changesets <dir>   pending changesets     (default .changeset)`;

function parseArgs(argv) {
  // Defaults are relative to the repository; paths given on the command line to the working directory.
  const options = {
    base: resolve(root, 'packages/spec/released/openapi.json'),
    revision: resolve(root, 'packages/spec/openapi.json'),
    changesets: resolve(root, '.changeset'),
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const key = flag.replace(/^--/, '');
    if (flag === '--help' || flag === '-h') {
      console.log(HELP);
      process.exit(0);
    }
    if (!(key in options)) throw new Error(`unknown option ${flag}\n${HELP}`);
    const value = inline ?? argv[++i];
    if (!value) throw new Error(`${flag} needs a value`);
    options[key] = resolve(value);
  }
  return options;
}

/** Runs `redocly diff` and returns its JSON report. */
function redoclyDiff(base, revision) {
  const dir = mkdtempSync(join(tmpdir(), 'box-docgen-diff-'));
  const out = join(dir, 'diff.json');
  try {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/@redocly/cli/bin/cli.js'),
        'diff',
        base,
        revision,
        '--config',
        join(root, 'scripts/redocly-diff.yaml'),
        '--format',
        'json',
        '--output',
        out,
        '--fail-on',
        'none',
      ],
      {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    return JSON.parse(readFileSync(out, 'utf8'));
  } catch (error) {
    const detail = error.stderr?.toString().trim() || error.message;
    throw new Error(`redocly diff could not compare the two documents:\n${detail}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const unescapePointer = (segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~');
const segments = (pointer) => pointer.replace(/^#\/?/, '').split('/').map(unescapePointer);

/** "GET /docgen_jobs/{job_id}" for a change found under that operation. */
function operationOf(change) {
  const [top, path, method] = segments(change.path);
  if (top !== 'paths' || !path) return 'document';
  return method && /^(get|put|post|delete|patch|head|options|trace)$/.test(method)
    ? `${method.toUpperCase()} ${path}`
    : path;
}

const direction = (change) =>
  /\/responses\//.test(change.path)
    ? 'response'
    : /\/(requestBody|parameters)\b/.test(change.path)
      ? 'request'
      : 'other';

/** The component a pointer sits in, e.g. `DocGenJob` for #/components/schemas/DocGenJob/... */
function componentOf(pointer = '') {
  const [top, , name] = segments(pointer);
  return top === 'components' && name ? name : undefined;
}

const quote = (values) => values.map((value) => `'${value}'`).join(', ');

/** Changes that redocly rates minor/patch but that break code compiled against the generated types. */
function sdkVerdicts(change) {
  const name = segments(change.path).at(-1);
  if (change.kind === 'modified' && change.property === 'enum' && direction(change) === 'response') {
    const before = Array.isArray(change.base?.value) ? change.base.value : [];
    const after = Array.isArray(change.revision?.value) ? change.revision.value : undefined;
    const lost = after ? before.filter((value) => !after.includes(value)) : [];
    if (lost.length) {
      const owner = componentOf(change.revision.pointer);
      return [
        {
          ruleId: 'sdk-response-enum-narrowed',
          message: `Enum of response property \`${name}\`${owner ? ` of \`${owner}\`` : ''} lost values: ${quote(lost)}; code comparing with them no longer compiles against @box-docgen/types.`,
          pointer: change.revision.pointer,
        },
      ];
    }
  }
  if (
    change.kind === 'removed' &&
    change.typeName === 'Schema' &&
    direction(change) === 'request' &&
    segments(change.path).at(-2) === 'properties'
  ) {
    const owner = componentOf(change.base.pointer);
    return [
      {
        ruleId: 'sdk-request-property-removed',
        message: `Request property \`${name}\`${owner ? ` of \`${owner}\`` : ''} was removed; callers that still send it no longer compile against @box-docgen/types.`,
        pointer: change.base.pointer,
      },
    ];
  }
  return [];
}

/** redocly reports a property removed from an allOf member as the member being replaced; name the properties. */
function combinatorDetail(change, changes) {
  if (change.kind !== 'removed') return '';
  const added = changes.find((other) => other.kind === 'added' && other.path === change.path);
  const before = Object.keys(change.base?.value?.properties ?? {});
  const after = Object.keys(added?.revision?.value?.properties ?? {});
  const gone = before.filter((key) => !after.includes(key));
  return gone.length ? ` Properties no longer present: ${gone.map((key) => `\`${key}\``).join(', ')}.` : '';
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/**
 * Operation → every component it reaches through $refs. redocly diff reports a change inside a
 * shared component once, under the first operation that reached it; this lists all of them.
 */
function componentUsers(docs) {
  const users = new Map();
  for (const doc of docs) {
    const resolve = (ref) => segments(ref).reduce((node, key) => node?.[key], doc);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const method of METHODS.filter((name) => item?.[name])) {
        const operation = `${method.toUpperCase()} ${path}`;
        const seen = new Set();
        const walk = (node) => {
          if (!node || typeof node !== 'object') return;
          if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/')) {
            const component = segments(node.$ref).slice(0, 3).join('/');
            if (!seen.has(component)) {
              seen.add(component);
              walk(resolve(node.$ref));
            }
          }
          for (const value of Object.values(node)) walk(value);
        };
        walk(item.parameters);
        walk(item[method]);
        for (const component of seen) {
          if (!users.has(component)) users.set(component, new Set());
          users.get(component).add(operation);
        }
      }
    }
  }
  return users;
}

/** Splits the diff into breaking lines (one per verdict, de-duplicated) and non-breaking lines. */
export function classify(report, docs = []) {
  const users = componentUsers(docs);
  const operationsOf = (pointer, operation) => {
    const component = segments(pointer).slice(0, 3).join('/');
    return component.startsWith('components/') && users.has(component) ? [...users.get(component)] : [operation];
  };
  const breaking = new Map();
  const nonBreaking = [];
  for (const change of report.changes) {
    const operation = operationOf(change);
    const verdicts = [
      ...change.verdicts
        .filter((verdict) => verdict.impact === 'major')
        .map((verdict) => ({
          ruleId: verdict.ruleId,
          message:
            verdict.message +
            (verdict.ruleId === 'schema-combinator-changed' ? combinatorDetail(change, report.changes) : ''),
          pointer: verdict.location?.pointer ?? change.path,
        })),
      ...(change.impact === 'major' ? [] : sdkVerdicts(change)),
    ];
    for (const verdict of verdicts) {
      const key = `${verdict.ruleId} ${verdict.pointer} ${verdict.message}`;
      const seen = breaking.get(key);
      const operations = operationsOf(verdict.pointer, operation);
      if (seen) for (const name of operations) seen.operations.add(name);
      else breaking.set(key, { ...verdict, operations: new Set(operations) });
    }
    if (!verdicts.length) {
      const at = (change.revision ?? change.base)?.pointer ?? change.path;
      const what = change.kind === 'modified' ? `${change.property} modified` : change.kind;
      nonBreaking.push(`${change.impact.padEnd(5)}  ${at}  ${what} (${operation})`);
    }
  }
  return {
    breaking: [...breaking.values()].map(({ operations, ...verdict }) => ({ ...verdict, operations: [...operations] })),
    nonBreaking: [...new Set(nonBreaking)],
  };
}

/** Pending changesets (`.changeset/*.md`) that declare `'@box-docgen/spec': major`. */
export function majorSpecChangesets(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.md') && !/^readme\.md$/i.test(name))
    .sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
    for (const line of front.split(/\r?\n/)) {
      const match = /^\s*(['"]?)([^'"]+)\1\s*:\s*(\w+)\s*$/.exec(line);
      if (match && match[2] === SPEC_PACKAGE && match[3] === 'major') found.push(join(dir, file));
    }
  }
  return found;
}

function main() {
  let options;
  let report;
  try {
    options = parseArgs(process.argv.slice(2));
    for (const [label, file] of [
      ['base (last released bundle)', options.base],
      ['revision', options.revision],
    ]) {
      if (!existsSync(file)) throw new Error(`${label} not found: ${file}`);
    }
    report = redoclyDiff(options.base, options.revision);
  } catch (error) {
    console.error(`check-breaking: ${error.message}`);
    process.exit(2);
  }
  const show = (file) => relative(process.cwd(), file) || basename(file);
  const docs = [options.base, options.revision].map((file) => JSON.parse(readFileSync(file, 'utf8')));
  const { breaking, nonBreaking } = classify(report, docs);
  console.log(`Breaking-change gate: ${show(options.base)} (last release) → ${show(options.revision)}`);
  console.log(
    `${breaking.length} breaking, ${nonBreaking.length} non-breaking change(s) (redocly diff, diff-recommended + sdk rules)`,
  );
  for (const change of breaking) {
    console.log(`BREAKING ${change.pointer}  ${change.message} [${change.ruleId}; ${change.operations.join(', ')}]`);
  }
  for (const line of nonBreaking) console.log(`non-breaking ${line}`);

  const declared = majorSpecChangesets(options.changesets);
  if (!breaking.length) {
    console.log('✔ no breaking changes since the last release.');
    return;
  }
  if (declared.length) {
    console.log(
      `✔ ${breaking.length} breaking change(s), declared by ${declared.map(show).join(', ')} ('${SPEC_PACKAGE}': major).`,
    );
    return;
  }
  console.error(
    `✖ ${breaking.length} breaking change(s), and no pending changeset in ${show(options.changesets)} declares '${SPEC_PACKAGE}': major.`,
  );
  console.error('  Fix: keep the spec compatible, or run `npx changeset`, choose a major bump for @box-docgen/spec,');
  console.error('  and tell users what broke and how to migrate. See CONTRIBUTING.md.');
  process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
