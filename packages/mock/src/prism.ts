/**
 * Prism (the HTTP server of @stoplight/prism-http-server) in this process, with the
 * configuration `prism mock` or `prism proxy` builds. It listens on its own loopback port; the
 * front server (front.ts) is what clients talk to.
 */
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

import { configureExtensionsUserProvided } from '@stoplight/prism-cli/dist/extensions.js';
import { getHttpOperationsFromSpec, ProblemJsonError } from '@stoplight/prism-http';
import type { IHttpConfig } from '@stoplight/prism-http';
import { createServer } from '@stoplight/prism-http-server';

import { messageOf } from './errors.js';
import { redactText } from './journal.js';
import type { MockLogLevel } from './log-levels.js';
import type { StateAnswer, StateRequest } from './state.js';

export type HttpOperations = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>;

export interface PrismOptions {
  /** Absolute path or http(s) URL of the document. */
  document: string;
  dynamic: boolean;
  seed: string | undefined;
  errors: boolean;
  logLevel: MockLogLevel;
  cors: boolean;
  /** Proxy mode: forward to this base URL and validate what comes back. */
  upstream?: URL;
  /**
   * Stateful mode: Prism runs as a proxy whose upstream is this function, in this process. Prism
   * checks the request, asks it for the answer and validates that answer against the spec;
   * undefined lets Prism answer from the spec's examples, as in the static mode.
   */
  answer?: (request: StateRequest) => StateAnswer | Promise<StateAnswer> | undefined;
  /** Who is starting Prism, for error messages. */
  caller: string;
}

export interface PrismInstance {
  url: string;
  port: number;
  operations: HttpOperations;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const requireHere = createRequire(import.meta.url);

export async function startPrism(options: PrismOptions): Promise<PrismInstance> {
  const { document, caller } = options;
  let operations: HttpOperations;
  try {
    operations = await getHttpOperationsFromSpec(document);
    // As `prism mock` does: apply the document's x-json-schema-faker options (global state of
    // json-schema-faker, shared by every Prism in the process).
    await configureExtensionsUserProvided(document, { fillProperties: undefined });
  } catch (error) {
    throw new Error(`${caller}: cannot load the OpenAPI document ${document}: ${messageOf(error)}`, { cause: error });
  }
  if (operations.length === 0) {
    throw new Error(`${caller}: no operations found in the OpenAPI document ${document}`);
  }

  // The configuration `prism mock` / `prism proxy` builds (prism-cli util/createServer.js).
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors: options.errors,
    upstreamProxy: undefined,
    mock: {
      dynamic: options.dynamic,
      ignoreExamples: false,
      ...(options.seed !== undefined && { seed: options.seed }),
    },
  };
  const config: IHttpConfig = options.upstream
    ? { ...shared, isProxy: true, upstream: options.upstream }
    : options.answer
      ? { ...shared, isProxy: true, upstream: new URL('http://box-docgen-mock.invalid/') }
      : { ...shared, isProxy: false };

  const server = createServer(operations, {
    cors: options.cors,
    config,
    components: {
      logger: createPrismLogger(options.logLevel),
      ...(options.answer && { forward: stateForward(options.answer) as never }),
    },
  });

  let address: string;
  try {
    address = await server.listen(0, '127.0.0.1');
  } catch (error) {
    // Prism rejects with the error *message* (a string).
    throw new Error(`${caller}: Prism cannot listen on 127.0.0.1: ${messageOf(error)}`, { cause: error });
  }
  const port = Number(/:(\d+)$/.exec(address)?.[1]);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.close());
  if (!Number.isInteger(port) || port <= 0) {
    await close().catch(() => undefined);
    throw new Error(`${caller}: cannot read the port from Prism's address ${JSON.stringify(address)}`);
  }
  const url = `http://127.0.0.1:${port}`;
  try {
    // In proxy mode without CORS and without errors, Prism would forward the probe upstream.
    if (options.cors || options.errors || !options.upstream) await waitUntilAnswering(url, options.cors);
  } catch (error) {
    await close().catch(() => undefined);
    throw new Error(`${caller}: Prism at ${url} did not answer: ${messageOf(error)}`, { cause: error });
  }
  return { url, port, operations, close };
}

const DIAGNOSTIC_ERROR = 0; // @stoplight/types DiagnosticSeverity.Error
/** Prism's own signal to answer from the spec instead of the upstream. */
const fromExamples = () =>
  ProblemJsonError.fromTemplate({ type: 'UPSTREAM_NOT_IMPLEMENTED', title: 'answered from the examples', status: 501 });

interface PrismInput {
  method: string;
  url: { path: string; query?: Record<string, string | string[]> };
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Prism's `forward` component (a function of the request to a TaskEither, here written out by
 * hand: fp-ts is Prism's, not ours). A request with errors goes back to Prism's mocker, which
 * refuses it exactly as in the static mode.
 */
function stateForward(answer: NonNullable<PrismOptions['answer']>) {
  return ({ data, validations }: { data: PrismInput; validations: { severity: number }[] }) =>
    () =>
    async () => {
      if (validations.some((v) => v.severity === DIAGNOSTIC_ERROR))
        return { _tag: 'Left' as const, left: fromExamples() };
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(data.headers ?? {}))
        if (value !== undefined) headers[name] = [value].flat().join(', ');
      try {
        const result = await answer({
          method: data.method.toUpperCase(),
          path: data.url.path,
          query: data.url.query ?? {},
          headers,
          body: data.body ?? null,
        });
        if (!result) return { _tag: 'Left' as const, left: fromExamples() };
        return {
          _tag: 'Right' as const,
          right: { statusCode: result.status, headers: result.headers, body: result.body },
        };
      } catch (error) {
        return { _tag: 'Left' as const, left: error instanceof Error ? error : new Error(String(error)) };
      }
    };
}

/** The default document, or the caller's path / URL made absolute. */
export function resolveSpec(spec: string | undefined, caller: string): string {
  if (spec === undefined) {
    try {
      return requireHere.resolve('@box-docgen/spec/openapi.json');
    } catch (error) {
      throw new Error(
        `${caller}: @box-docgen/spec/openapi.json was not found; build the spec package or pass options.spec`,
        {
          cause: error,
        },
      );
    }
  }
  if (typeof spec !== 'string' || spec === '') {
    throw new TypeError(`${caller}: options.spec must be a non-empty path or URL`);
  }
  if (/^https?:\/\//i.test(spec)) return spec;
  if (/^file:/i.test(spec)) return fileURLToPath(spec);
  return isAbsolute(spec) ? spec : resolvePath(spec);
}

interface PinoLike {
  (options: object, destination?: unknown): { child(bindings: object): unknown };
  levels: { values: Record<string, number> };
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
  // Prism logs every request's headers and URL, bearer token and ?access_token= included.
  const stderr = { write: (line: string) => process.stderr.write(redactText(line)) };
  const logger = level === 'silent' ? pino(options) : pino(options, stderr);
  return logger.child({ name: 'HTTP SERVER' }) as never;
}

/**
 * One real HTTP request to Prism. With CORS on, a preflight (answered by Prism's router
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
