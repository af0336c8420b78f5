// Marker pagination: `await list()` is the first page; `for await` walks every item,
// fetching the next page only when the current one is used up.
import { DocGenError } from './errors.js';

export interface RawPage<T> {
  entries?: T[];
  limit?: number;
  next_marker?: string | null;
  prev_marker?: string | null;
}

export interface Page<T> {
  entries: T[];
  limit?: number;
  next_marker?: string | null;
  prev_marker?: string | null;
  hasNextPage(): boolean;
  getNextPage(): Promise<Page<T>>;
}

export interface PagePromise<T> extends PromiseLike<Page<T>>, AsyncIterable<T> {
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R>;
  finally(onFinally?: (() => void) | null): Promise<Page<T>>;
}

export type FetchPage<T> = (marker: string | undefined) => Promise<RawPage<T>>;

function toPage<T>(raw: RawPage<T>, marker: string | undefined, fetchPage: FetchPage<T>): Page<T> {
  const next = raw.next_marker || undefined;
  const page: Page<T> = {
    ...raw,
    entries: raw.entries ?? [],
    hasNextPage: () => next !== undefined,
    async getNextPage() {
      if (next === undefined) throw new DocGenError('no next page');
      // A server that hands back the marker it was given would loop forever.
      if (next === marker) throw new DocGenError(`next_marker "${next}" repeated: stopping an endless loop`);
      return toPage(await fetchPage(next), next, fetchPage);
    },
  };
  // Keep the helpers out of JSON and object spreads.
  Object.defineProperties(page, { hasNextPage: { enumerable: false }, getNextPage: { enumerable: false } });
  return page;
}

export function pagePromise<T>(fetchPage: FetchPage<T>, marker?: string): PagePromise<T> {
  let first: Promise<Page<T>> | undefined;
  const load = () => (first ??= fetchPage(marker).then((raw) => toPage(raw, marker, fetchPage)));
  return {
    then: (onFulfilled, onRejected) => load().then(onFulfilled, onRejected),
    catch: (onRejected) => load().catch(onRejected),
    finally: (onFinally) => load().finally(onFinally),
    async *[Symbol.asyncIterator]() {
      // Reuse a first page already asked for; otherwise hold no more than the current page.
      let page: Page<T> = await (first ?? fetchPage(marker).then((raw) => toPage(raw, marker, fetchPage)));
      for (;;) {
        yield* page.entries;
        if (!page.hasNextPage()) return;
        page = await page.getNextPage();
      }
    },
  };
}
