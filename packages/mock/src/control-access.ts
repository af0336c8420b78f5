/**
 * Who may call the control endpoints. The journal holds what clients sent (document data, file
 * ids) and reset wipes a test's state, so no web page of another site may reach them.
 *
 * A control request is answered when
 *  - its Host names this machine: localhost, a name ending in .localhost, 127.0.0.0/8, [::1],
 *    the host the server listens on, or the address the connection arrived on; and
 *  - it has no Origin (Node, curl), or a loopback Origin (http(s)://localhost, 127.x.x.x or
 *    [::1], any port), or the mock's own origin; and
 *  - it is not a browser request that the browser itself marks as coming from another site.
 */
import type { IncomingMessage } from 'node:http';

/** localhost, *.localhost, 127.0.0.0/8 and ::1, as URL#hostname writes them. */
function isLoopbackName(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** The hostname of a Host header value (lower case, IPv6 in brackets), or undefined when it is not one. */
function hostnameOf(authority: string): string | undefined {
  if (!/^[\w.:[\]-]+$/.test(authority)) return undefined;
  try {
    return new URL(`http://${authority}`).hostname;
  } catch {
    return undefined;
  }
}

const bare = (address: string) =>
  address
    .replace(/^\[|\]$/g, '')
    .replace(/^::ffff:/i, '')
    .toLowerCase();

function isOwnHost(host: string, req: IncomingMessage, listenHost: string): boolean {
  const name = hostnameOf(host);
  if (name === undefined) return false;
  return isLoopbackName(name) || bare(name) === bare(listenHost) || bare(name) === bare(req.socket.localAddress ?? '');
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // 'null' (sandboxed frames, file: pages) and anything else that is not a URL
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return isLoopbackName(url.hostname) || url.host === host;
}

/** Why a control request is refused, or undefined when it may be answered. */
export function controlRefusal(req: IncomingMessage, listenHost: string): string | undefined {
  const { host, origin } = req.headers;
  // DNS rebinding: once evil.example resolves to 127.0.0.1, its pages are same-origin with the
  // mock as far as the browser knows and send no foreign Origin. Their Host header still says
  // evil.example, and that is the only thing that tells them apart.
  if (host !== undefined && !isOwnHost(host, req, listenHost)) return `the Host ${host} is not this machine`;
  if (origin !== undefined && !isOwnOrigin(origin, host)) return `the Origin ${origin} is not a page on this machine`;
  // A <script> or <img> of another site sends a GET without Origin; the browser still labels it.
  if (origin === undefined && req.headers['sec-fetch-site'] === 'cross-site')
    return 'the browser says it comes from another site';
  return undefined;
}
