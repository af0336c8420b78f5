/**
 * @box-docgen/mock — a contract-true mock of the Box Doc Gen API.
 *
 * Runs Prism (the HTTP server of @stoplight/prism-http-server) in this process, built from
 * the bundled OpenAPI document of @box-docgen/spec, with the same configuration that
 * `prism mock` uses.
 */
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

import { configureExtensionsUserProvided } from '@stoplight/prism-cli/dist/extensions.js';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http';
import type { IHttpConfig } from '@stoplight/prism-http';
import { createServer } from '@stoplight/prism-http-server';

export type MockLogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export interface MockServerOptions {
  /** Port to listen on; default 0 = a free port chosen by the OS. */
  port?: number;
  /** Interface to listen on; default '127.0.0.1'. */
  host?: string;
  /** Default false: serve the spec's examples; true: generate responses from the schemas. */
  dynamic?: boolean;
  /** Default true: request/response violations are errors (Prism's `--errors`). */
  errors?: boolean;
  /** Path, file: URL or http(s) URL of an OpenAPI document; default @box-docgen/spec/openapi.json. */
  spec?: string;
  /** Prism's log level, written as JSON lines to stderr; default 'silent'. */
  logLevel?: MockLogLevel;
  /** Default true: answer CORS preflights and add CORS headers. */
  cors?: boolean;
}

export interface MockServer {
  /** Base URL of the mock, e.g. 'http://127.0.0.1:43123' (no trailing slash, no /2.0). */
  url: string;
  /** The port actually listened on (the OS's choice when port 0 was asked). */
  port: number;
  /** Stops the server and drops open connections. Idempotent. */
  close(): Promise<void>;
}

const LOG_LEVELS: readonly MockLogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];
const READY_TIMEOUT_MS = 10_000;

const requireHere = createRequire(import.meta.url);

/** Starts a Prism mock server in this process; resolves once the server has answered a request. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const dynamic = options.dynamic ?? false;
  const errors = options.errors ?? true;
  const logLevel = options.logLevel ?? 'silent';
  const cors = options.cors ?? true;

  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startMockServer: options.port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') {
    throw new TypeError('startMockServer: options.host must be a non-empty string');
  }
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new TypeError(`startMockServer: options.logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${String(logLevel)}`);
  }

  const document = resolveSpec(options.spec);

  let operations: Awaited<ReturnType<typeof getHttpOperationsFromSpec>>;
  try {
    operations = await getHttpOperationsFromSpec(document);
    // As `prism mock` does: apply the document's x-json-schema-faker options (global state of
    // json-schema-faker, shared by every Prism in the process).
    await configureExtensionsUserProvided(document, { fillProperties: undefined });
  } catch (error) {
    throw new Error(`startMockServer: cannot load the OpenAPI document ${document}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (operations.length === 0) {
    throw new Error(`startMockServer: no operations found in the OpenAPI document ${document}`);
  }

  // The same configuration `prism mock` builds (prism-cli util/createServer.js).
  const config: IHttpConfig = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors,
    upstreamProxy: undefined,
    mock: { dynamic, ignoreExamples: false },
    isProxy: false,
  };

  const server = createServer(operations, {
    cors,
    config,
    components: { logger: createPrismLogger(logLevel) },
  });

  let address: string;
  try {
    address = await server.listen(port, host);
  } catch (error) {
    // Prism rejects with the error *message* (a string), e.g. 'listen EADDRINUSE: ...'.
    throw new Error(`startMockServer: cannot listen on ${host}:${port}: ${messageOf(error)}`, {
      cause: error,
    });
  }

  // Prism's listen() answers `http://${address}:${port}` from server.address(); the port is
  // the real one also when 0 was asked.
  const actualPort = Number(/:(\d+)$/.exec(address)?.[1]);
  if (!Number.isInteger(actualPort) || actualPort <= 0) {
    await server.close().catch(() => undefined);
    throw new Error(`startMockServer: cannot read the port from Prism's address ${JSON.stringify(address)}`);
  }

  const url = `http://${urlHost(host)}:${actualPort}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    return (closing ??= server.close());
  };

  try {
    await waitUntilAnswering(url, cors);
  } catch (error) {
    await close().catch(() => undefined);
    throw new Error(`startMockServer: the mock server at ${url} did not answer: ${messageOf(error)}`, {
      cause: error,
    });
  }

  return { url, port: actualPort, close };
}

/** The default document, or the caller's path / URL made absolute. */
function resolveSpec(spec: string | undefined): string {
  if (spec === undefined) {
    try {
      return requireHere.resolve('@box-docgen/spec/openapi.json');
    } catch (error) {
      throw new Error(
        'startMockServer: @box-docgen/spec/openapi.json was not found; build the spec package or pass options.spec',
        { cause: error },
      );
    }
  }
  if (typeof spec !== 'string' || spec === '') {
    throw new TypeError('startMockServer: options.spec must be a non-empty path or URL');
  }
  if (/^https?:\/\//i.test(spec)) return spec;
  if (/^file:/i.test(spec)) return fileURLToPath(spec);
  return isAbsolute(spec) ? spec : resolvePath(spec);
}

interface PinoLike {
  (options: object, destination?: unknown): { child(bindings: object): unknown };
  levels: { values: Record<string, number> };
  destination(fd: number): unknown;
}

/**
 * A pino 6 logger like the one prism-core's createLogger makes. Prism calls the custom level
 * `success`, so a plain pino logger makes it throw (an unhandled rejection, and the request
 * never gets an answer). pino is resolved through @stoplight/prism-cli, which depends on it.
 */
function createPrismLogger(level: MockLogLevel): never {
  const requireFromPrismCli = createRequire(requireHere.resolve('@stoplight/prism-cli/package.json'));
  const pino = requireFromPrismCli('pino') as PinoLike;
  const options = {
    base: {},
    customLevels: { success: (pino.levels.values['info'] ?? 30) + 2 },
    level,
    timestamp: false,
  };
  const logger = level === 'silent' ? pino(options) : pino(options, pino.destination(2));
  return logger.child({ name: 'HTTP SERVER' }) as never;
}

/** The host part of a URL that reaches a server listening on `host`. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`;
  return host;
}

/**
 * One real HTTP request to the server. With CORS on, a preflight (answered by Prism's router
 * without validation or logging); otherwise a GET of a path that is not in the spec.
 */
function waitUntilAnswering(url: string, cors: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const target = new URL('/__box-docgen-mock__/ready', url);
    const req = httpRequest(
      target,
      {
        method: cors ? 'OPTIONS' : 'GET',
        agent: false,
        headers: cors
          ? { origin: 'http://box-docgen-mock.invalid', 'access-control-request-method': 'GET', connection: 'close' }
          : { connection: 'close' },
        timeout: READY_TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.once('end', resolve);
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)));
    req.once('error', reject);
    req.end();
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
