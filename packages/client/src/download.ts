// @box-docgen/client/download: a file's bytes as a stream (`GET /files/{file_id}/content`, from
// helperEndpoints.getFileContent). Box answers 302 to its download host, another origin: the
// redirect is followed here, without the bearer token. A 202 (the file was created moments ago
// and is not ready) is waited out per its Retry-After. Its own entry: the client's browser
// bundles stay as they are. Same options as createDocGenClient, and the same transport (retries,
// 401 refresh, timeouts, redaction) for the API request.
import { BASE_URL, helperEndpoints } from '@box-docgen/types/endpoints';
import { DocGenApiError, DocGenTimeoutError } from './errors.js';
import type { DocGenClientOptions } from './resources.js';
import { deadline, retryDelayMs, sleep } from './retry.js';
import { TIMEOUT_MS, createTransport, type CallOptions } from './transport.js';
import { callOptions, clientOptions, fits, pathId } from './validate.js';

const ep = helperEndpoints.getFileContent;

export interface DownloadOptions extends CallOptions {
  /** An earlier version of the file (its file version id). */
  version?: string;
}

export interface Download {
  /** The bytes; read it to the end or cancel it. The attempt's timeout covers reaching the bytes, not reading them (use `signal`). */
  body: ReadableStream<Uint8Array>;
  /** Content-Length, when the download host sent one. */
  size: number | undefined;
  contentType: string | undefined;
}

export interface Downloader {
  /** Resolves once the bytes start to arrive; a non-2xx answer rejects with DocGenApiError. */
  download(fileId: string, o?: DownloadOptions): Promise<Download>;
}

/** An error answer, its body read (and redacted) for the message. */
async function failure(
  response: Response,
  request: { method: string; url: string },
  redact: (text: string) => string,
): Promise<never> {
  const text = redact(await response.text().catch(() => ''));
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  throw new DocGenApiError(response, { body, request, redact });
}

const found = (response: Response): Download => {
  const length = Number(response.headers.get('content-length') ?? NaN);
  return {
    body: response.body ?? new Response('').body!,
    size: Number.isFinite(length) ? length : undefined,
    contentType: response.headers.get('content-type') ?? undefined,
  };
};

export function createDownloader(options: DocGenClientOptions): Downloader {
  clientOptions(options);
  const config = { ...options };
  const transport = createTransport(config);
  const base = (config.baseUrl ?? BASE_URL).replace(/\/+$/, '');
  const headers = new Headers(config.headers);

  async function download(fileId: string, call?: DownloadOptions): Promise<Download> {
    const o = callOptions(call) as DownloadOptions;
    const path = ep.path.replace(`{${ep.pathParams[0]}}`, encodeURIComponent(pathId('fileId', fileId)));
    const query = o.version === undefined ? {} : { version: o.version };
    fits(ep.query, query, 'query');
    const url = `${base}${path}${o.version === undefined ? '' : `?version=${encodeURIComponent(o.version)}`}`;
    const request = { method: ep.method, url };
    const timeoutMs = o.timeoutMs ?? config.timeoutMs ?? TIMEOUT_MS;
    // Manual: the redirect is followed below, without the Authorization header.
    const out = {
      method: ep.method,
      url,
      headers: new Headers([...headers, ...new Headers(o.headers)]),
      redirect: 'manual' as const,
      unversioned: !('versioned' in ep),
    };
    for (let round = 0, started = Date.now(); ; round++) {
      const { response, redact } = await transport({ ...out, read: 'stream' }, o);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        response.body?.cancel().catch(() => {});
        return fromHost(new URL(location, url).href, o, redact);
      }
      // A browser hides manual redirects (an opaque answer, status 0): asked again with
      // redirect 'follow', where fetch itself drops Authorization on the way to another origin.
      if (response.type === 'opaqueredirect') {
        const again = await transport({ ...out, redirect: 'follow', read: 'stream' }, o);
        if (!again.response.ok) return failure(again.response, request, again.redact);
        return found(again.response);
      }
      if (!response.ok) return failure(response, request, redact);
      if (response.status !== 202 || !ep.success.includes(202)) return found(response);
      response.body?.cancel().catch(() => {});
      const delayMs = retryDelayMs(round, response.headers, config.retry);
      if (Date.now() - started + delayMs > timeoutMs) {
        throw new DocGenTimeoutError(
          `${ep.method} ${url}: the file is still not ready (202) after ${Date.now() - started} ms`,
          { request, outcomeUnknown: false },
        );
      }
      await sleep(delayMs, o.signal);
    }
  }

  /** The download host: no Authorization, no box-version, only the caller's signal and a deadline for the answer. */
  async function fromHost(location: string, o: DownloadOptions, redact: (text: string) => string): Promise<Download> {
    const guard = deadline(o.signal, o.timeoutMs ?? config.timeoutMs ?? TIMEOUT_MS);
    // The URL itself is the permission: never in an error or a log line.
    const request = { method: 'GET', url: `${new URL(location).origin}/[download URL]` };
    try {
      const req = new Request(location, { signal: guard.signal });
      const response = await guard.race(config.fetch ? config.fetch(guard.keep(req)) : fetch(req));
      if (!response.ok)
        return failure(response, request, (text) => redact(text).replaceAll(location, '[download URL]'));
      return found(response);
    } finally {
      guard.done();
    }
  }

  return { download };
}
