// Runs the repository's scripts and tools as CI does: as child processes, on the Node running vitest.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node <script> ...args`; resolves with the exit code instead of throwing on a non-zero one. */
export function node(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: options.cwd ?? root,
        env: {
          ...process.env,
          NO_COLOR: '1',
          FORCE_COLOR: '0',
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          ...options.env,
        },
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

export const redoclyBin = join(root, 'node_modules/@redocly/cli/bin/cli.js');

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `box-docgen-${prefix}-`));
