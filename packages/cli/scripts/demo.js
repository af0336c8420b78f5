// The box-docgen CLI end to end against the embedded mock, no Box account needed:
//
//   npx tsc -b packages/client packages/mock packages/cli && node packages/cli/scripts/demo.js
//
// 1. starts the mock (jobs-progress: jobs read pending for the first polls, then finish; plus
//    bulk-batches: a new batch id per request and one job per row sent, every 97th row failing),
//    with the sample's template marked and its tags set;
// 2. runs `box-docgen generate --wait` on the shipped sample of 250 purchase orders, as a real
//    child process, showing its progress and summary;
// 3. prints part of the report it wrote, and what the mock received;
// 4. runs the same command again: the ledger makes it send nothing twice.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '@box-docgen/mock';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const sample = join(here, '..', 'samples', 'purchase-orders.csv');
const FAIL_EVERY = 97;

if (!existsSync(cli)) {
  console.error(`${relative(process.cwd(), cli)} is missing: build first (npx tsc -b packages/cli)`);
  process.exit(1);
}

/** Runs the CLI; resolves to its exit code (stdout/stderr go to this terminal, or are captured). */
function run(args, env, capture = false) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    });
    let out = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  const [header, ...data] = rows;
  return data.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
}

// The template the sample is written for: marked in the mock, with the tags it reads, so the
// CLI's check of every row against the template's tags has something true to check.
const tag = (tag_type, tag_content, ...json_paths) => ({ tag_type, tag_content, json_paths });
const TEMPLATE = {
  id: '1502867340',
  name: 'Purchase order.docx',
  tags: [
    tag('text', '{{order.id}}', 'order', 'order.id'),
    tag('text', '{{vendor.company}}', 'vendor', 'vendor.company'),
    tag('text', '{{vendor.contact.email}}', 'vendor', 'vendor.contact', 'vendor.contact.email'),
    tag('table-loop', '{{tablerow item in products}}', 'products'),
    tag('text', '{{item.name}}', 'products', 'products.name'),
    tag('arithmetic', '{{item.quantity * item.price}}', 'products', 'products.quantity', 'products.price'),
  ],
};

const mock = await startMockServer({ scenario: `bulk-batches:failEvery=${FAIL_EVERY}+jobs-progress` });
await mock.state.load({ templates: [TEMPLATE] });
const work = mkdtempSync(join(tmpdir(), 'box-docgen-demo-'));
let exitCode = 0;
try {
  const env = { BOX_DEVELOPER_TOKEN: 'demo-token', BOX_DOCGEN_BASE_URL: mock.url };
  const ledger = join(work, 'purchase-orders.ledger.jsonl');
  const report = join(work, 'purchase-orders.report.csv');
  const args = [
    'generate',
    '--template',
    '1502867340',
    '--folder',
    '290044817',
    '--data',
    sample,
    '--name',
    '{order.id} {vendor.company}',
    '--output-type',
    'pdf',
    '--batch-size',
    '25',
    '--concurrency',
    '4',
    '--state',
    ledger,
    '--report',
    report,
    '--poll-interval',
    '250',
  ];
  console.log(`mock Box Doc Gen API at ${mock.url}\n`);
  console.log(`$ box-docgen ${args.map((a) => (/[\s{}]/.test(a) ? `'${a}'` : a)).join(' ')} --wait\n`);
  const first = await run([...args, '--wait'], env);

  const lines = parseCsv(readFileSync(report, 'utf8'));
  const failed = lines.filter((line) => line.status !== 'completed');
  console.log(`\nthe report (${lines.length} rows), first 5 and every row that did not complete:`);
  console.table(
    [...lines.slice(0, 5), ...failed].map(({ row, line, name, job_id, status, output_file_id, errors }) => ({
      row,
      line,
      name,
      job_id,
      status,
      output_file_id: output_file_id || '-',
      errors: errors.length > 60 ? `${errors.slice(0, 59)}…` : errors,
    })),
  );

  const received = await mock.requests();
  const posts = received.filter((r) => r.method === 'POST' && r.path === '/docgen_batches' && r.status === 202);
  const sent = posts.reduce((n, r) => n + r.body.document_generation_data.length, 0);
  const polls = received.filter((r) => r.method === 'GET' && r.path.startsWith('/docgen_batch_jobs/')).length;
  console.log(
    `the mock received ${posts.length} POST /docgen_batches carrying ${sent} rows, and ${polls} polls of batch job lists`,
  );

  console.log(`\n$ box-docgen ${args[0]} … --json   # the same command again: the ledger says every row is in`);
  const again = await run([...args, '--json', '--quiet'], env, true);
  const summary = JSON.parse(again.out);
  console.log(
    `  ${summary.alreadySubmitted} rows already submitted, ${summary.submitted.rows} sent now (exit code ${again.code})`,
  );
  const after = (await mock.requests()).filter((r) => r.method === 'POST' && r.path === '/docgen_batches').length;
  console.log(`  the mock has still received ${after} POST /docgen_batches`);

  // Rows FAIL_EVERY, 2×FAIL_EVERY, … fail on purpose, so generate exits 1 ("some jobs failed").
  const expectedFailures = Math.floor(250 / FAIL_EVERY);
  if (first.code === 1 && failed.length === expectedFailures && again.code === 0 && summary.submitted.rows === 0) {
    console.log(
      `\ngenerate exited 1 because ${expectedFailures} jobs failed, as the mock was told to make them; the demo worked.`,
    );
  } else {
    console.error(
      `\nunexpected: generate exited ${first.code} with ${failed.length} rows not completed; the rerun exited ${again.code}`,
    );
    exitCode = 1;
  }
} finally {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = exitCode;
