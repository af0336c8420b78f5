// @box-docgen/mock: startup time to the first answer, and requests per second.
//  - startup: fresh processes, interleaved with the baseline; the mock's figure comes from
//    packages/mock/bench/startup.js --once (import + startMockServer + first answer to
//    GET /docgen_jobs/{id}); the baseline, bare-startup.js --once, does the same with the bench's
//    plain node:http server. Medians.
//  - throughput: the mock in a process of its own (mock-child.js: startMockServer() defaults, the
//    stateful mode with the job preloaded; and mode: 'static', the spec's examples; response
//    validation and the journal on in both), loaded from this
//    process with raw fetch: GET /docgen_jobs/{id} from 16 concurrent loops, a fixed count per run,
//    every answer checked. The baseline is the same load on the plain node:http bench server.
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { JOB_ID, TOKEN } from '../server.js';
import { assert, drive, median, timed } from './util.js';

const MOCK_STARTUP = fileURLToPath(new URL('../../packages/mock/bench/startup.js', import.meta.url));
const BARE_STARTUP = fileURLToPath(new URL('./bare-startup.js', import.meta.url));
const MOCK_CHILD = fileURLToPath(new URL('./mock-child.js', import.meta.url));
const HEADERS = { 'box-version': '2025.0', authorization: `Bearer ${TOKEN}` };

function startupOnce(script, ...flags) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, '--once', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} --once exited with ${code}: ${out}`));
      resolve({ ...JSON.parse(out), process: performance.now() - started });
    });
  });
}

function startMockChild(mode) {
  return new Promise((resolve, reject) => {
    const child = fork(MOCK_CHILD, [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mock child exited with ${code}`)));
    child.once('message', (message) =>
      resolve({
        url: message.url,
        close: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', done);
            child.disconnect();
          }),
      }),
    );
  });
}

async function load(jobUrl, n, concurrency) {
  let bad = 0;
  const run = await timed(() =>
    drive(
      async () => {
        const response = await fetch(jobUrl, { headers: HEADERS });
        const job = await response.json();
        if (response.status !== 200 || job.id !== JOB_ID) bad++;
      },
      n,
      concurrency,
    ),
  );
  assert(bad === 0, `${bad} of ${n} answers were wrong (${jobUrl})`);
  return { rps: n / (run.wallMs / 1000), wallMs: run.wallMs, clientCpuUsPerRequest: run.cpuUs / n };
}

export async function benchMock(
  server,
  { startupRuns = 5, requests = 2000, concurrency = 16, reps = 5, warmup = 200, log = () => {} } = {},
) {
  const startup = { mock: [], static: [], bare: [] };
  for (let i = 0; i < startupRuns; i++) {
    startup.mock.push(await startupOnce(MOCK_STARTUP));
    startup.static.push(await startupOnce(MOCK_STARTUP, '--static'));
    startup.bare.push(await startupOnce(BARE_STARTUP));
  }
  log(`  startup: ${startupRuns} fresh processes each`);

  const stateful = await startMockChild('stateful');
  const fixed = await startMockChild('static');
  const targets = {
    mock: `${stateful.url}/docgen_jobs/${JOB_ID}`,
    static: `${fixed.url}/docgen_jobs/${JOB_ID}`,
    bare: `${server.url}/2.0/docgen_jobs/${JOB_ID}`,
  };
  const throughput = { mock: [], static: [], bare: [] };
  try {
    for (const url of Object.values(targets)) await load(url, warmup, concurrency);
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, url] of Object.entries(targets)) throughput[name].push(await load(url, requests, concurrency));
    }
  } finally {
    await stateful.close();
    await fixed.close();
  }
  log(`  throughput: ${reps} runs of ${requests} requests each, ${concurrency} concurrent`);

  const m = (runs, key) => median(runs.map((r) => r[key]));
  const result = { startupRuns, requests, concurrency, reps, startup: {}, throughput: {} };
  for (const name of ['mock', 'static', 'bare']) {
    result.startup[name] = {
      readyMs: m(startup[name], 'total'),
      importMs: m(startup[name], 'import'),
      startMs: m(startup[name], 'start'),
      firstAnswerMs: m(startup[name], 'firstAnswer'),
      processMs: m(startup[name], 'process'),
      runs: startup[name],
    };
    result.throughput[name] = { rps: m(throughput[name], 'rps'), runs: throughput[name] };
  }
  result.startup.ratio = result.startup.mock.readyMs / result.startup.bare.readyMs;
  result.throughput.ratio = result.throughput.mock.rps / result.throughput.bare.rps;
  // The stateful default against the static examples: at most 20% slower is the target.
  result.statefulVsStatic = {
    startup: result.startup.mock.readyMs / result.startup.static.readyMs,
    rps: result.throughput.mock.rps / result.throughput.static.rps,
  };
  return result;
}
