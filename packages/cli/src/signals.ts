// SIGINT/SIGTERM: the first stops new work (what is in flight finishes and is recorded), the
// second aborts what is in flight.
import { setMaxListeners } from 'node:events';
import { EXIT, type Io } from './io.js';
import type { Progress } from './progress.js';

export interface Stopper {
  /** Aborted by the first signal (its reason is the signal's name). */
  stop: AbortSignal;
  /** Aborted by the second. */
  force: AbortSignal;
  dispose(): void;
}

export function stopper(io: Io, progress: () => Progress | undefined): Stopper {
  const stop = new AbortController();
  const force = new AbortController();
  // Every request and wait in flight listens to these (and lets go when done): with --concurrency
  // above 10 that is no leak, so no MaxListenersExceededWarning.
  setMaxListeners(0, stop.signal, force.signal);
  const signals = io.signals ?? process;
  let count = 0;
  const on = (name: 'SIGINT' | 'SIGTERM') => () => {
    count++;
    if (count === 1) {
      stop.abort(name);
      const message = `${name}: stopping — no new batches; requests in flight are finishing and being recorded (send it again to abort them)`;
      const p = progress();
      if (p) p.log(message);
      else io.stderr.write(`${message}\n`);
    } else if (!force.signal.aborted) {
      force.abort(new Error(`${name} received twice: aborted`));
      io.stderr.write(`${name} again: aborting requests in flight; they are recorded as unknown\n`);
    }
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  return {
    stop: stop.signal,
    force: force.signal,
    dispose() {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
    },
  };
}

export const signalExit = (name: string | null) => (name === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT);
