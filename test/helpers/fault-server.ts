// A scripted HTTP server for fault-injection tests. Each request it receives gets the next
// action of the script (answer, reset the socket, stall), and every request is recorded with
// its method, url, headers, body and arrival time, so tests measure what reached the wire.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ReceivedRequest {
  /** 0 for the first request this server received. */
  index: number;
  method: string;
  /** Path and query, as received. */
  url: string;
  /** Header names lower-cased (node:http does this). */
  headers: IncomingMessage['headers'];
  /** The full body text; '' when the socket was reset before it was read. */
  body: string;
  /** performance.now() when the request head arrived. */
  at: number;
  /** True once the connection closed before the answer was complete: the client gave up. */
  abandoned: boolean;
}

export type Action =
  /** Answer; an object body is sent as JSON, a string as is, undefined as no body. */
  | { kind: 'respond'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Destroy the socket at once, without reading the request body. */
  | { kind: 'reset' }
  /** Read the whole request body, then destroy the socket without answering. */
  | { kind: 'reset-after-body' }
  /** Read the whole request body and never answer. */
  | { kind: 'stall' }
  /** Send the status line, headers and `partial` of a body, then never finish. */
  | { kind: 'stall-body'; status: number; partial: string; headers?: Record<string, string> };

export const respond = (status: number, body?: unknown, headers?: Record<string, string>): Action => ({
  kind: 'respond',
  status,
  body,
  headers,
});
export const reset = (): Action => ({ kind: 'reset' });
export const resetAfterBody = (): Action => ({ kind: 'reset-after-body' });
export const stall = (): Action => ({ kind: 'stall' });
export const stallBody = (status: number, partial = '{"entries":[', headers?: Record<string, string>): Action => ({
  kind: 'stall-body',
  status,
  partial,
  headers,
});

/** A list of actions (request i gets action i), or a function of the request. */
export type Script = Action[] | ((index: number, request: Omit<ReceivedRequest, 'body' | 'abandoned'>) => Action);

export interface FaultServer {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  /** Every request received, in order of arrival. */
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  /** Destroys open sockets and stops listening. */
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, action: Extract<Action, { kind: 'respond' }>) {
  const headers: Record<string, string> = { ...action.headers };
  let payload: string | undefined;
  if (typeof action.body === 'string') payload = action.body;
  else if (action.body !== undefined) {
    payload = JSON.stringify(action.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  res.writeHead(action.status, headers); // names keep the case given here, on the wire too
  res.end(payload);
}

export async function startFaultServer(script: Script, options: { port?: number } = {}): Promise<FaultServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: () => void }[] = [];

  const server = createServer(async (req, res) => {
    const index = requests.length;
    const head = { index, method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: performance.now() };
    const record: ReceivedRequest = { ...head, body: '', abandoned: false };
    requests.push(record);
    res.on('close', () => (record.abandoned = !res.writableFinished));
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    const action: Action =
      typeof script === 'function'
        ? script(index, head)
        : (script[index] ?? respond(500, `fault-server: the script has no action for request ${index}`));

    if (action.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    try {
      record.body = await readBody(req);
    } catch {
      return; // the client went away
    }
    switch (action.kind) {
      case 'respond':
        return send(res, action);
      case 'reset-after-body':
        return req.socket.destroy();
      case 'stall':
        return;
      case 'stall-body':
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        if (action.partial) res.write(action.partial);
        else res.flushHeaders();
        return;
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    received: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Milliseconds between consecutive arrivals. */
export function gaps(requests: readonly ReceivedRequest[]): number[] {
  return requests.slice(1).map((request, i) => request.at - requests[i]!.at);
}
