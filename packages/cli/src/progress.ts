// Progress on stderr: a bar redrawn in place on a terminal, plain lines (at most one every five
// seconds, plus one per phase) when stderr is a file or a pipe, or nothing at all. Each shows
// the counts, and once there is one, the rate and the time left.
import { safeText } from './redact.js';

export type ProgressMode = 'bar' | 'plain' | 'none';

export interface ProgressCounts {
  phase: 'validating' | 'submitting' | 'waiting' | 'done';
  /** Rows read by the validation pass. */
  read: number;
  /** Rows this run will submit. */
  total: number;
  /** Rows submitted so far (Box answered 202). */
  submitted: number;
  /** Rows whose batch failed or whose outcome is unknown. */
  submitFailed: number;
  /** Jobs being waited for. */
  jobsTotal: number;
  jobsFinished: number;
  /** Finished jobs that failed (or completed with errors). */
  jobsFailed: number;
}

export interface Progress {
  update(counts: Partial<ProgressCounts>): void;
  /** A message line that must not be garbled by the bar. */
  log(line: string): void;
  /** Draws the final state and stops redrawing. */
  stop(): void;
  readonly counts: Readonly<ProgressCounts>;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Plain lines: a few a minute keep a log of a long wait short. */
const PLAIN_INTERVAL_MS = 5_000;
/** A rate measured over less than this is noise. */
const RATE_AFTER_MS = 1_000;

/** 45s, 3m 05s, 2h 04m. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

const rateText = (perSecond: number) =>
  perSecond >= 10 ? String(Math.round(perSecond)) : perSecond >= 0.1 ? perSecond.toFixed(1) : '<0.1';

export function progressMode(stream: Output, quiet: boolean): ProgressMode {
  if (quiet) return 'none';
  return stream.isTTY ? 'bar' : 'plain';
}

export function createProgress(options: {
  mode: ProgressMode;
  stream: Output;
  plainIntervalMs?: number;
  now?: () => number;
}): Progress {
  const { mode, stream } = options;
  const now = options.now ?? Date.now;
  const plainIntervalMs = options.plainIntervalMs ?? PLAIN_INTERVAL_MS;
  const counts: ProgressCounts = {
    phase: 'validating',
    read: 0,
    total: 0,
    submitted: 0,
    submitFailed: 0,
    jobsTotal: 0,
    jobsFinished: 0,
    jobsFailed: 0,
  };
  let phaseStarted = now();
  let phaseBase = 0; // the count the rate is measured from
  let lastDraw = 0;
  let lastLine = '';
  let drawn = false;
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  /** Rows (submitting) or jobs (waiting) a second since the phase began; undefined until there is one. */
  const rate = (): number | undefined => {
    const ms = now() - phaseStarted;
    const done = counts.phase === 'waiting' ? counts.jobsFinished : counts.submitted;
    return ms >= RATE_AFTER_MS && done > phaseBase ? (done - phaseBase) / (ms / 1000) : undefined;
  };

  const left = () =>
    counts.phase === 'waiting'
      ? counts.jobsTotal - counts.jobsFinished
      : counts.total - counts.submitted - counts.submitFailed;

  const describe = () => {
    if (counts.phase === 'validating') return `${counts.read} rows read`;
    const parts: string[] = [];
    // `report --wait`, or a rerun with nothing left to send: no "0/0 rows submitted".
    if (counts.total > 0) parts.push(`${counts.submitted}/${counts.total} rows submitted`);
    if (counts.jobsTotal > 0 || counts.phase === 'waiting')
      parts.push(`${counts.jobsFinished}/${counts.jobsTotal} jobs finished`);
    const failed = counts.submitFailed + counts.jobsFailed;
    parts.push(`${failed} failed`);
    const r = counts.phase === 'submitting' || counts.phase === 'waiting' ? rate() : undefined;
    if (r !== undefined) {
      parts.push(`${rateText(r)} ${counts.phase === 'waiting' ? 'jobs' : 'rows'}/s`);
      if (left() > 0) parts.push(`ETA ${duration(left() / r)}`);
    }
    return parts.join(' · ');
  };

  const fraction = () => {
    if (counts.phase === 'waiting') return counts.jobsTotal ? counts.jobsFinished / counts.jobsTotal : 1;
    return counts.total ? (counts.submitted + counts.submitFailed) / counts.total : 1;
  };

  const drawBar = () => {
    const columns = stream.columns || 80; // 0 or undefined when the terminal does not say
    const text = `${counts.phase.padEnd(10)} ${describe()}`;
    const width = Math.max(10, Math.min(30, columns - text.length - 4));
    const filled = Math.round(Math.min(1, Math.max(0, fraction())) * width);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${text}`;
    // One line only: a wrapped line would not be redrawn in place.
    stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, columns - 1))}`);
    drawn = true;
    lastDraw = now();
  };

  const drawPlain = (force: boolean) => {
    const line = `${counts.phase}: ${describe()}`;
    if (line === lastLine) return;
    if (!force && (counts.phase === 'validating' || now() - lastDraw < plainIntervalMs)) return;
    stream.write(`${line}\n`);
    lastLine = line;
    lastDraw = now();
  };

  if (mode === 'bar') {
    timer = setInterval(() => drawBar(), 200);
    timer.unref?.();
  }

  return {
    counts,
    update(next) {
      if (stopped) return;
      const phaseChanged = next.phase !== undefined && next.phase !== counts.phase;
      // Plain lines: the phase that ends gets its final line.
      // (Not for a validation that read nothing: `report` has none.)
      if (mode === 'plain' && phaseChanged && !(counts.phase === 'validating' && counts.read === 0)) drawPlain(true);
      Object.assign(counts, next);
      if (phaseChanged) {
        phaseStarted = now();
        phaseBase = counts.phase === 'waiting' ? counts.jobsFinished : counts.submitted;
      }
      if (mode === 'bar' && (phaseChanged || now() - lastDraw >= 100)) drawBar();
      if (mode === 'plain' && !phaseChanged) drawPlain(false);
    },
    log(text) {
      // Messages carry server text: no token, no megabyte.
      const line = safeText(text);
      if (mode === 'none') {
        stream.write(`${line}\n`);
        return;
      }
      if (mode === 'bar' && drawn) stream.write('\r\x1b[2K');
      stream.write(`${line}\n`);
      if (mode === 'bar' && drawn && !stopped) drawBar();
    },
    stop() {
      if (stopped) return;
      if (timer) clearInterval(timer);
      if (mode === 'bar') {
        drawBar();
        stream.write('\n');
      }
      // A plain 'done' transition has already printed the last phase's final line.
      if (mode === 'plain' && counts.phase !== 'done') drawPlain(true);
      stopped = true;
    },
  };
}
