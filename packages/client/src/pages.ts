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

export function pagePromise<T>(fetchPage: FetchPage<T>, marker?: string): PagePromise<T> {
  // `seen` holds every marker of one walk, with the number of the page it opens: a server whose
  // markers loop (A → B → A) would otherwise be walked forever, while asking one page twice for
  // its next page is fine. fetchPage runs inside the promise, so even its throw rejects.
  const open = (marker: string | undefined, number = 0, seen = new Map([[marker, 0]])): Promise<Page<T>> =>
    new Promise<RawPage<T>>((resolve) => resolve(fetchPage(marker))).then((raw) => {
      const next = raw.next_marker;
      // The helpers sit on the page's prototype, which keeps them out of JSON and object spreads.
      const helpers: Pick<Page<T>, 'hasNextPage' | 'getNextPage'> = {
        hasNextPage: () => !!next,
        async getNextPage() {
          if (!next) throw new DocGenError('no next page');
          const at = seen.get(next);
          if (at !== undefined && at !== number + 1) {
            throw new DocGenError(`next_marker "${next}" leads back to page ${at + 1}: the server's pages loop`);
          }
          seen.set(next, number + 1);
          return open(next, number + 1, seen);
        },
      };
      return Object.assign(Object.create(helpers), raw, { entries: raw.entries ?? [] });
    });
  let first: Promise<Page<T>> | undefined;
  const load = () => (first ??= open(marker));
  return {
    // biome-ignore lint/suspicious/noThenProperty: a page promise is a real thenable, by design.
    then: (onFulfilled, onRejected) => load().then(onFulfilled, onRejected),
    catch: (onRejected) => load().catch(onRejected),
    finally: (onFinally) => load().finally(onFinally),
    async *[Symbol.asyncIterator]() {
      // Reuse a first page already asked for; otherwise hold no more than the current page.
      for (let page = await (first ?? open(marker)); ; page = await page.getNextPage()) {
        yield* page.entries;
        if (!page.hasNextPage()) return;
      }
    },
  };
}
