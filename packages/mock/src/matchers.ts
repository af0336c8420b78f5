/**
 * vitest matchers on a mock's journal:
 *
 *   await expect(mock).toHaveReceived('createBatch', { body: { output_type: 'pdf' } });
 *
 * The mock is anything with `requests()` (a MockServer, a vitest handle, a connection). The
 * second argument is a subset of one journal entry: objects match when every key given matches,
 * arrays item by item, and asymmetric matchers (expect.any, expect.stringMatching) work anywhere.
 * Entries are searched in any order; the failure lists the requests of that operation received.
 */
import type { OperationId } from './route.js';
import type { OperationRequest, RecordedRequest } from './journal.js';

/** Any part of a value, for subset matching. */
export type DeepPartial<T> = T extends readonly (infer I)[]
  ? readonly DeepPartial<I>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export interface HasJournal {
  requests(): Promise<RecordedRequest[]>;
}

interface MatcherContext {
  isNot: boolean;
  utils: { stringify(value: unknown): string };
}

const isAsymmetric = (value: unknown): value is { asymmetricMatch(other: unknown): boolean } =>
  !!value &&
  typeof value === 'object' &&
  typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';

/** Whether `actual` holds everything `expected` says. */
export function fitsSubset(actual: unknown, expected: unknown): boolean {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => fitsSubset(actual[i], item))
    );
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([key, value]) =>
      fitsSubset((actual as Record<string, unknown>)[key], value),
    );
  }
  return Object.is(actual, expected);
}

/** One received request on one line, its body as compact JSON cut at 300 characters. */
const line = (_utils: MatcherContext['utils'], entry: RecordedRequest) => {
  const query = Object.keys(entry.query).length ? ` query ${JSON.stringify(entry.query)}` : '';
  const text = entry.body === null ? '' : JSON.stringify(entry.body);
  const body = text ? ` body ${text.length > 300 ? `${text.slice(0, 300)}…` : text}` : '';
  return `  #${entry.seq} ${entry.method} ${entry.path} → ${entry.status ?? 'dropped'}${query}${body}`;
};

export const mockMatchers = {
  async toHaveReceived(this: MatcherContext, received: HasJournal, operationId: OperationId, subset: object = {}) {
    if (!received || typeof received.requests !== 'function') {
      throw new TypeError(
        'toHaveReceived: expect() a mock server, a vitest handle or a connection (something with requests())',
      );
    }
    const all = await received.requests();
    const ofOperation = all.filter((entry) => entry.operationId === operationId);
    const pass = ofOperation.some((entry) => fitsSubset(entry, subset));
    const wanted = `a ${operationId} request${Object.keys(subset).length ? ` with ${this.utils.stringify(subset)}` : ''}`;
    return {
      pass,
      message: () =>
        pass
          ? `expected no ${wanted.slice(2)}, but received one:\n${ofOperation
              .filter((entry) => fitsSubset(entry, subset))
              .map((entry) => line(this.utils, entry))
              .join('\n')}`
          : ofOperation.length === 0
            ? `expected ${wanted}, but received no ${operationId} request; received${all.length ? `:\n${all.map((entry) => `  #${entry.seq} ${entry.operationId ?? '(not in the spec)'} ${entry.method} ${entry.path}`).join('\n')}` : ' nothing'}`
            : `expected ${wanted}, but none of the ${ofOperation.length} ${operationId} request(s) fits:\n${ofOperation.map((entry) => line(this.utils, entry)).join('\n')}`,
    };
  },
};

export interface MockMatchers {
  /** Passes when the mock received a request of this operation that holds `subset` (any order). Await it. */
  toHaveReceived<K extends OperationId>(operationId: K, subset?: DeepPartial<OperationRequest<K>>): Promise<void>;
}
