// Preloaded into the measured process (node --import): samples memory every 5 ms and, at exit,
// writes the peaks to the file named by BOX_DOCGEN_MEASURE_OUT.
import { writeFileSync } from 'node:fs';

const out = process.env.BOX_DOCGEN_MEASURE_OUT;
let peakRss = 0;
let peakHeapUsed = 0;
let peakHeapTotal = 0;
let peakExternal = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
  peakHeapTotal = Math.max(peakHeapTotal, m.heapTotal);
  peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
};
const timer = setInterval(sample, 5);
timer.unref();

// With --expose-gc: every 100 ms a full collection, then the heap still in use: the live set,
// which is what would grow if rows were retained (peaks above also count garbage not yet collected).
let peakLive = 0;
if (typeof globalThis.gc === 'function') {
  const live = setInterval(() => {
    globalThis.gc();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }, 100);
  live.unref();
}
process.on('exit', () => {
  sample();
  if (!out) return;
  // resourceUsage().maxRSS is the kernel's peak, in kilobytes.
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  const maxRss = maxRSS * 1024;
  // CPU of the whole process (user + system), in microseconds.
  const cpuUs = userCPUTime + systemCPUTime;
  writeFileSync(
    out,
    JSON.stringify({
      peakRss,
      maxRss,
      cpuUs,
      peakHeapUsed,
      peakHeapTotal,
      peakExternal,
      ...(peakLive && { peakLive }),
    }),
  );
});
