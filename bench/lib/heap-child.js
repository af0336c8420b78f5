// One heap measurement in a fresh process (node --expose-gc; forked by pagination.js):
//   heap-child.js <server url> <contender> <jobs>
// Walks every job once and reports, above the heap in use before the walk (after a full GC):
//   peak      the highest heapUsed seen (sampled every 2 ms and at every page), garbage included
//   peakLive  the highest heapUsed right after a full GC, taken every 10 pages: what the walk keeps
import { boxSdk, openapiFetch, ours, rawFetch } from './clients.js';
import { walk } from './pagination.js';

const [url, name, totalArg] = process.argv.slice(2);
const total = Number(totalArg);
const make = { fetch: rawFetch, 'openapi-fetch': openapiFetch, 'box-docgen': ours, 'box-node-sdk': boxSdk }[name];
if (!make || typeof globalThis.gc !== 'function')
  throw new Error('usage: node --expose-gc heap-child.js <url> <contender> <jobs>');

const contender = make(url);
// Load everything the walk touches (and open the connection) before the baseline.
await contender.getJob('8200451');
globalThis.gc();
globalThis.gc();
const base = process.memoryUsage().heapUsed;
let peak = base;
let peakLive = base;
const sample = () => {
  const used = process.memoryUsage().heapUsed;
  if (used > peak) peak = used;
};
const timer = setInterval(sample, 2);

let items = 0;
const PAGE = 1000;
const originalEach = contender.eachJob;
contender.eachJob = (onJob) =>
  originalEach((job) => {
    onJob(job);
    if (++items % PAGE === 0) {
      sample();
      if (items % (10 * PAGE) === 0) {
        globalThis.gc();
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
      }
    }
  });
await walk(contender, total);
clearInterval(timer);
sample();
process.send({ items, base, peak: peak - base, peakLive: peakLive - base }, () => process.exit(0));
