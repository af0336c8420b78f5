// The download host: a second loopback listener, another origin than the API, like Box's. The
// API's `GET /files/{file_id}/content` answers 302 to a URL here; the URL is the permission, so
// no Authorization is needed (and a client should send none: what it sent is in the journal,
// redacted, with `server: 'download'`).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { redactHeader, type Journal } from './journal.js';
import type { StateHost } from './state-host.js';
import { urlHost } from './front.js';

export interface DownloadHost {
  url: string;
  close(): Promise<void>;
}

const LINK = /^\/d\/1\/([0-9a-f-]{36})\/download$/;

export async function startDownloadHost(options: {
  host: string;
  states: StateHost;
  journal: Journal;
  cors: boolean;
}): Promise<DownloadHost> {
  const { states, journal } = options;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://box-docgen-mock.invalid').pathname;
    const key = LINK.exec(path)?.[1];
    const found = key === undefined || (method !== 'GET' && method !== 'HEAD') ? undefined : states.content(key);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers[name] = redactHeader(name, [value].flat().join(', '));
    journal.add({
      time: new Date().toISOString(),
      method,
      path,
      query: {},
      headers,
      body: null,
      status: found ? 200 : 404,
      ...(found?.session !== undefined && { session: found.session }),
      scenario: '',
      violations: [],
      server: 'download',
    });
    const cors = options.cors ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' } : {};
    if (!found) {
      res.writeHead(404, { ...cors, 'content-type': 'text/plain; charset=utf-8' });
      res.end(method === 'HEAD' ? undefined : 'This download URL is not one the mock handed out (or it was reset).\n');
      return;
    }
    const { bytes, contentType, fileName } = found.file;
    res.writeHead(200, {
      ...cors,
      'content-type': contentType,
      'content-length': bytes.length,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      'cache-control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : bytes);
  };
  const server = createServer({ keepAliveTimeout: 5_000 }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(options.host)}:${port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
