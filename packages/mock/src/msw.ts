// @box-docgen/mock/msw: the stateful Box Doc Gen as MSW request handlers, for tests that mock
// with Mock Service Worker: in browsers (its service worker; vitest browser mode, Playwright,
// Storybook) and in Node (msw/node). The handlers answer from the same in-memory state the
// Prism-backed server uses (state.ts), so both behave alike: templates you mark exist, batches
// make one job per row that progress as they are polled, unknown ids are 404, and a request
// that breaks the spec's rules gets a 400 ClientError naming the field. Prism does not run here,
// so answers are not validated against the spec on the way out, and scenarios are server-only.
//
//   import { setupServer } from 'msw/node';
//   const docgen = docgenHandlers();
//   const server = setupServer(...docgen.handlers);
//
// Works with msw 2.x and 3.x (it uses only `http` and `HttpResponse`); tested with 3.x.
import { BASE_URL } from '@box-docgen/types/endpoints';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { clientError } from './errors.js';
import { createDocGenState, type DocGenState, type DocGenStateOptions } from './state.js';

export type { DocGenState, DocGenStateOptions, MockState, MockStatePreload, MockTemplate } from './state.js';

export interface DocGenHandlersOptions extends DocGenStateOptions {
  /** Where the client under test sends its requests; default the spec's server (https://api.box.com/2.0). */
  baseUrl?: string;
}

export interface DocGenHandlers {
  /** Pass them to setupServer (msw/node) or setupWorker (msw/browser). */
  handlers: HttpHandler[];
  /** The state behind them: `get()` to inspect, `load()` to preload. */
  state: DocGenState;
  /** Empties the state (a new one with the same options). */
  reset(): void;
}

/** Query values as the state reads them: one string, or a list when a name repeats. */
function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

export function docgenHandlers(options: DocGenHandlersOptions = {}): DocGenHandlers {
  const { baseUrl = BASE_URL, ...stateOptions } = options;
  const base = new URL(baseUrl.replace(/\/+$/, ''));
  let state = createDocGenState(stateOptions);

  const handler = http.all(`${base.href}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const path = url.pathname.slice(base.pathname.replace(/\/$/, '').length);
    const text = await request.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return HttpResponse.json(clientError(400, `${request.method} ${path}: the request body is not valid JSON`), {
        status: 400,
      });
    }
    const headers = Object.fromEntries([...request.headers].map(([name, value]) => [name.toLowerCase(), value]));
    const answer = await state.handle({
      method: request.method,
      path,
      query: queryOf(url.searchParams),
      headers,
      body,
    });
    // Not an operation of the spec: left to the next handler, or to onUnhandledFrame (msw 2: onUnhandledRequest).
    if (!answer) return undefined;
    return answer.body === undefined
      ? new HttpResponse(null, { status: answer.status, headers: answer.headers })
      : HttpResponse.json(answer.body, { status: answer.status, headers: answer.headers });
  });

  return {
    handlers: [handler],
    get state() {
      return state;
    },
    reset() {
      state = createDocGenState(stateOptions);
    },
  };
}
