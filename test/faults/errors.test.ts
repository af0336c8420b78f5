// DocGenApiError from a ClientError body, and still useful when the body is HTML, empty or
// cut off: status, a short raw body, and the request id from the body or the header.
import { DocGenApiError, DocGenError } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';
import { respond } from '../helpers/fault-server.js';
import { TOKEN, apiError, clientFor, rejection, useFaultServers } from './support.js';

const serve = useFaultServers();

async function apiErrorFrom(action: ReturnType<typeof respond>): Promise<DocGenApiError> {
  const server = await serve(() => action);
  const error = await rejection(clientFor(server, { maxRetries: 0 }).templates.get('4711'));
  expect(error).toBeInstanceOf(DocGenApiError);
  expect(error).toBeInstanceOf(DocGenError);
  return error;
}

const HTML = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${'<p>upstream unavailable</p>'.repeat(300)}</body></html>`;

describe('DocGenApiError', () => {
  it('is built from a ClientError JSON body', async () => {
    const body = apiError(404, 'not_found', {
      message: 'No Doc Gen template exists with the ID that was given.',
      context_info: { errors: [{ reason: 'invalid_parameter', name: 'template_id' }] },
      request_id: 'abc123def',
    });
    const error = await apiErrorFrom(respond(404, body, { 'Box-Request-Id': 'header-id' }));
    expect(error).toMatchObject({
      name: 'DocGenApiError',
      status: 404,
      code: 'not_found',
      requestId: 'abc123def',
      helpUrl: body.help_url,
      contextInfo: body.context_info,
      rawBody: undefined,
      request: { method: 'GET', url: expect.stringMatching(/\/2\.0\/docgen_templates\/4711$/) },
    });
    expect(error.message).toContain('404');
    expect(error.message).toContain('not_found');
    expect(error.message).toContain('No Doc Gen template exists');
    expect(error.message).toContain('abc123def');
    expect(error.headers['box-request-id']).toBe('header-id');
    expect(error.headers['content-type']).toMatch(/application\/json/);
  });

  it('takes the request id from the box-request-id header when the body has none', async () => {
    const { request_id: _, ...body } = apiError(409, 'conflict');
    const error = await apiErrorFrom(respond(409, body, { 'box-request-id': 'from-header-1' }));
    expect(error.requestId).toBe('from-header-1');
    expect(error.code).toBe('conflict');
  });

  it('with an HTML body: status, the raw text cut short, request id from the header', async () => {
    const error = await apiErrorFrom(
      respond(502, HTML, { 'content-type': 'text/html', 'box-request-id': 'html-req-9' }),
    );
    expect(error.status).toBe(502);
    expect(error.code).toBeUndefined();
    expect(error.requestId).toBe('html-req-9');
    expect(error.rawBody).toBeDefined();
    expect(HTML.startsWith(error.rawBody!)).toBe(true);
    expect(error.rawBody!.length).toBeGreaterThan(0);
    expect(error.rawBody!.length).toBeLessThanOrEqual(1_000);
    expect(error.message).toContain('502');
    expect(error.message).toContain('html-req-9');
    expect(error.message.length).toBeLessThan(1_500);
  });

  it('with an empty body: status and status text, request id from the header', async () => {
    const error = await apiErrorFrom(respond(503, undefined, { 'box-request-id': 'empty-req-3' }));
    expect(error.status).toBe(503);
    expect(error.code).toBeUndefined();
    expect(error.rawBody).toBeUndefined();
    expect(error.requestId).toBe('empty-req-3');
    expect(error.message).toMatch(/failed with 503: Service Unavailable/);
  });

  it('with truncated JSON: status, the raw text, request id from the header', async () => {
    const truncated = JSON.stringify(apiError(500, 'internal_server_error')).slice(0, 60);
    const error = await apiErrorFrom(
      respond(500, truncated, { 'content-type': 'application/json', 'box-request-id': 'cut-req-5' }),
    );
    expect(error.status).toBe(500);
    expect(error.code).toBeUndefined();
    expect(error.rawBody).toBe(truncated);
    expect(error.requestId).toBe('cut-req-5');
    expect(error.message).toContain('500');
  });

  it('toJSON carries the useful fields and round-trips through JSON.stringify, without the token', async () => {
    const error = await apiErrorFrom(respond(403, apiError(403, 'forbidden'), { 'box-request-id': 'h' }));
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toEqual({
      name: 'DocGenApiError',
      message: error.message,
      status: 403,
      code: 'forbidden',
      requestId: 'req-403-forbidden',
      helpUrl: expect.any(String),
      contextInfo: null,
      headers: expect.objectContaining({ 'box-request-id': 'h' }),
      request: { method: 'GET', url: expect.stringContaining('/docgen_templates/4711') },
      outcomeUnknown: false,
    });
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN);
  });
});
