// createDocGenClient: the typed resources, and the openapi-fetch client as `raw`, over one transport.
import type { paths } from '@box-docgen/types';
import type { helperEndpoints, HelperOperationId } from '@box-docgen/types/endpoints';
import createClient, { type Client } from 'openapi-fetch';
import { createResources, type DocGenClientOptions, type DocGenLiteClient } from './resources.js';

// The client sends box-version itself, so callers (and `raw` users) never have to.
type VersionOptional<Op> = Op extends { parameters: { header: infer H } }
  ? Omit<Op, 'parameters'> & { parameters: Omit<Op['parameters'], 'header'> & { header?: Partial<H> } }
  : Op;
// Only Doc Gen paths: every one takes box-version, which raw's requests always carry. The
// operations outside Doc Gen (sign-in, downloads) have their own entries and servers.
type HelperPath = (typeof helperEndpoints)[HelperOperationId]['path'];
export type ClientPaths = {
  [P in Exclude<keyof paths, HelperPath>]: { [M in keyof paths[P]]: VersionOptional<paths[P][M]> };
};

/** What createDocGenClient returns: three resources and the raw openapi-fetch client. */
export interface DocGenClient extends DocGenLiteClient {
  /** The typed openapi-fetch client, through the same transport (auth, version, retries, timeouts). */
  raw: Client<ClientPaths>;
}

export function createDocGenClient(options: DocGenClientOptions): DocGenClient {
  const { client, transport, base, config } = createResources(options);
  // `raw` goes through the same transport; the resources skip its request building.
  const raw = createClient<ClientPaths>({
    baseUrl: base,
    headers: config.headers,
    async fetch(req: Request) {
      // The body is read once, so that every attempt can send it.
      const body = req.body && (await req.arrayBuffer());
      const { method, url, headers: sent, redirect, signal } = req;
      const { response, data, redact } = await transport(
        { method, url, headers: sent, redirect, body, read: 'arrayBuffer' },
        { signal },
      );
      // An error answer may echo the token (gateways echo request headers): redacted, headers too.
      const clean = response.ok || !data ? data : redact(new TextDecoder().decode(data));
      const headers = response.ok
        ? response.headers
        : [...response.headers].map(([name, value]) => [name, redact(value)] as [string, string]);
      const { status, statusText } = response;
      // A constructed Response has an empty url; errors quote it.
      return Object.defineProperty(
        new Response(clean, { status, statusText: response.ok ? statusText : redact(statusText), headers }),
        'url',
        { value: req.url },
      );
    },
  });
  return { ...client, raw };
}
