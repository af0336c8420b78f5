// createDownloader against two real servers on loopback: the API (302 to the download host, or
// 202 with Retry-After first) and the download host on another origin, which must never see the
// bearer token; the API request carries no box-version (the spec's operation takes none).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DocGenApiError } from '@box-docgen/client';
import { createDownloader } from '@box-docgen/client/download';
import { afterEach, describe, expect, it } from 'vitest';

type Handler = (
  path: string,
  headers: IncomingHttpHeaders,
  i: number,
) => { status: number; headers?: Record<string, string>; body?: string };
const open: { close(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function server(handler: Handler) {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const s = createServer((req, res) => {
    seen.push({ path: req.url!, headers: req.headers });
    const reply = handler(req.url!, req.headers, seen.length - 1);
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  open.push({
    close: () => {
      s.closeAllConnections();
      s.close();
    },
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

const PDF = '%PDF-1.7\n%placeholder\n';
const text = async (body: ReadableStream<Uint8Array>) => new Response(body).text();

describe('createDownloader', () => {
  it('follows the 302 to the download host without the bearer token, after waiting out a 202', async () => {
    const host = await server(() => ({
      status: 200,
      headers: { 'content-type': 'application/pdf', 'content-length': String(PDF.length) },
      body: PDF,
    }));
    const api = await server((_, __, i) =>
      i === 0
        ? { status: 202, headers: { 'retry-after': '0' } }
        : { status: 302, headers: { location: `${host.url}/d/1/secret-link/download` } },
    );
    const files = createDownloader({ baseUrl: api.url, token: 'api-token-1234567890' });
    const got = await files.download('4242');
    expect(await text(got.body)).toBe(PDF);
    expect(got).toMatchObject({ size: PDF.length, contentType: 'application/pdf' });
    expect(api.seen.map((r) => r.path)).toEqual(['/files/4242/content', '/files/4242/content']);
    expect(api.seen[0]!.headers.authorization).toBe('Bearer api-token-1234567890');
    expect(api.seen[0]!.headers['box-version']).toBeUndefined();
    expect(host.seen).toHaveLength(1);
    expect(host.seen[0]!.headers.authorization).toBeUndefined();
    expect(host.seen[0]!.path).toBe('/d/1/secret-link/download');
  });

  it('takes a 200 from the API as the bytes, and passes version as the query', async () => {
    const api = await server(() => ({ status: 200, body: PDF }));
    const got = await createDownloader({ baseUrl: api.url, token: 't' }).download('7', { version: '99' });
    expect(await text(got.body)).toBe(PDF);
    expect(api.seen[0]!.path).toBe('/files/7/content?version=99');
  });

  it('a 404 is a DocGenApiError; a failing download host is one too, without the download URL', async () => {
    const api404 = await server(() => ({
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'error', status: 404, code: 'not_found', message: 'Not Found' }),
    }));
    const missing = await createDownloader({ baseUrl: api404.url, token: 't' })
      .download('1')
      .catch((e) => e);
    expect(missing).toBeInstanceOf(DocGenApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });

    const host = await server(() => ({ status: 403, body: 'link expired' }));
    const api = await server(() => ({ status: 302, headers: { location: `${host.url}/d/secret-link` } }));
    const expired = await createDownloader({ baseUrl: api.url, token: 't' })
      .download('1')
      .catch((e) => e);
    expect(expired).toBeInstanceOf(DocGenApiError);
    expect(expired.status).toBe(403);
    expect(`${expired.message} ${JSON.stringify(expired)}`).not.toContain('secret-link');
  });

  it('refreshes the token once on a 401 from the API', async () => {
    const api = await server((_, headers) =>
      headers.authorization === 'Bearer old-token-123456' ? { status: 401, body: '{}' } : { status: 200, body: PDF },
    );
    const token = ({ forceRefresh }: { forceRefresh: boolean }) =>
      forceRefresh ? 'new-token-123456' : 'old-token-123456';
    const got = await createDownloader({ baseUrl: api.url, token }).download('1');
    expect(await text(got.body)).toBe(PDF);
    expect(api.seen.map((r) => r.headers.authorization)).toEqual([
      'Bearer old-token-123456',
      'Bearer new-token-123456',
    ]);
  });

  it('refuses a bad file id before any request', async () => {
    await expect(createDownloader({ token: 't' }).download('..')).rejects.toThrow(/fileId/);
  });
});
