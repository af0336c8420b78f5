// Starting and stopping: in-process and child-process servers leave no process or port
// behind, also when the process that started them is interrupted or killed.
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';

import { startMockServer, type MockServer } from '../src/index.js';
import { alive, BOX_HEADERS, spawnNode, tryConnect, waitUntilClosed, waitUntilGone, type Spawned } from './helpers.js';

const HOLD = fileURLToPath(new URL('./fixtures/hold.mjs', import.meta.url));

let spawned: Spawned[] = [];
afterEach(() => {
  for (const s of spawned) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  spawned = [];
});

function hold(mode: 'in-process' | 'child'): Spawned {
  const s = spawnNode([HOLD, mode]);
  spawned.push(s);
  return s;
}

describe('childProcess: true', () => {
  it('runs the mock in a child process and stops it on close()', async () => {
    const mock: MockServer = await startMockServer({ childProcess: true, scenario: 'tags-processing' });
    try {
      expect(mock.pid).toBeGreaterThan(0);
      expect(mock.pid).not.toBe(process.pid);
      expect(alive(mock.pid!)).toBe(true);
      const first = await fetch(`${mock.url}/docgen_templates/1/tags`, { headers: BOX_HEADERS });
      expect(first.status).toBe(202);
      await first.arrayBuffer();
      expect((await mock.requests()).map((r) => r.status)).toEqual([202]);
      await mock.reset();
      expect(await mock.requests()).toEqual([]);
    } finally {
      await mock.close();
    }
    expect(await waitUntilGone(mock.pid!)).toBe(true);
    expect(await tryConnect(mock.port)).toBe('ECONNREFUSED');
    await mock.close(); // idempotent
  });

  it('fails clearly when the child cannot start', async () => {
    await expect(startMockServer({ childProcess: true, spec: '/nonexistent/openapi.json' })).rejects.toThrow(
      /cannot load the OpenAPI document \/nonexistent\/openapi\.json/,
    );
  });

  it('leaves no child and no port behind when the parent is killed (SIGKILL)', async () => {
    const parent = hold('child');
    const { port, pid } = JSON.parse((await parent.waitFor(/^\{.*\}$/m))[0]) as { port: number; pid: number };
    expect(pid).not.toBe(parent.child.pid);
    expect(await tryConnect(port)).toBe('connected');
    parent.child.kill('SIGKILL');
    await parent.exited;
    expect(await waitUntilGone(pid)).toBe(true);
    expect(await waitUntilClosed(port)).toBe('ECONNREFUSED');
  });

  it('leaves no child behind when the parent is interrupted (SIGINT)', async () => {
    const parent = hold('child');
    const { port, pid } = JSON.parse((await parent.waitFor(/^\{.*\}$/m))[0]) as { port: number; pid: number };
    parent.child.kill('SIGINT');
    await parent.exited;
    expect(await waitUntilGone(pid)).toBe(true);
    expect(await waitUntilClosed(port)).toBe('ECONNREFUSED');
  });
});

describe('in-process', () => {
  it('frees the port when the process is interrupted (SIGINT, SIGTERM)', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const s = hold('in-process');
      const { port } = JSON.parse((await s.waitFor(/^\{.*\}$/m))[0]) as { port: number };
      expect(await tryConnect(port)).toBe('connected');
      s.child.kill(signal);
      expect((await s.exited).signal).toBe(signal);
      expect(await waitUntilClosed(port)).toBe('ECONNREFUSED');
    }
  });
});
