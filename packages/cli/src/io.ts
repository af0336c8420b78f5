// What every command runs with: its streams, environment and signals, and the exit codes.
//
// Exit codes: 0 done · 1 something failed (a job, a submission, a request), or a report left
// incomplete after --wait (rows unfinished or not matched to jobs) · 2 bad usage,
// bad input or a refused run (nothing sent) · 3 done, but some rows have an unknown outcome ·
// 130 stopped by SIGINT · 143 stopped by SIGTERM.

export const EXIT = { ok: 0, failed: 1, usage: 2, unknown: 3, SIGINT: 130, SIGTERM: 143 } as const;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  /** Where SIGINT/SIGTERM come from; default `process`. Tests pass an EventEmitter. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}
