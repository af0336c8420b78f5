// A real HTTP server on 127.0.0.1 playing Box's token endpoint (and, for end-to-end tests, an API
// path): each request is recorded with its parsed form, and `answer` decides the reply.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: Record<string, string>;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Resolve to hold the answer back (for concurrency tests); no timers. */
  hold?: Promise<unknown>;
}

export type Answer = (request: Received, index: number) => Reply | Promise<Reply>;

/** Starts servers for one test; all are closed after it. */
export function useTokenServers() {
  const open: { close(): void }[] = [];
  afterEach(() => {
    for (const server of open.splice(0)) server.close();
  });
  return async (answer: Answer) => {
    const received: Received[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', async () => {
        const url = new URL(req.url!, 'http://127.0.0.1');
        const request = {
          method: req.method!,
          path: url.pathname,
          headers: req.headers,
          form: Object.fromEntries(new URLSearchParams(body)),
        };
        received.push(request);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          const reply = await answer(request, received.length - 1);
          await reply.hold;
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
        } finally {
          inFlight--;
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    });
    server.unref();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url,
      received,
      maxInFlight: () => maxInFlight,
      tokenRequests: () => received.filter((r) => r.path === '/oauth2/token'),
    };
  };
}

/** A token answer as Box sends it. */
export const issued = (accessToken: string, extra: Record<string, unknown> = {}): Reply => ({
  json: { access_token: accessToken, expires_in: 3600, token_type: 'bearer', restricted_to: [], ...extra },
});

/** An OAuth 2.0 error answer as Box sends it. */
export const refused = (error: string, description: string, status = 400): Reply => ({
  status,
  json: { error, error_description: description },
});

/** A promise and the function that settles it, for holding answers back. */
export function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
