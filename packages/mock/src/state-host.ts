// The states of one server, one per session, and the hand-over between the front (which knows the
// session and the scenarios of a request) and Prism's forward step (which asks the state for the
// answer Prism then validates). Requests carry the id of their call on the loopback hop to Prism.
import type { DocGenTag } from '@box-docgen/types';

import {
  createDocGenState,
  type DocGenState,
  type DocGenStateOptions,
  type ProgressSettings,
  type StateAnswer,
  type StateRequest,
  type StateServing,
} from './state.js';

/** The header that names a call on the hop from the front to Prism (never sent by clients). */
export const CALL_HEADER = 'x-box-docgen-mock-call';

interface Call {
  session: string | undefined;
  settings: Partial<ProgressSettings>;
  /** Let Prism answer with an example (the request or a scenario sent Prefer). */
  example: boolean;
}

export interface StateHost {
  /** The state of one session ('' for requests without one), made on first use. */
  state(session: string | undefined): DocGenState;
  /** Forgets the state of one session, or all. */
  reset(session?: string): void;
  /** Registers a call; returns its id for the CALL_HEADER. */
  begin(call: Call): string;
  end(id: string): void;
  /** Prism's forward step: the state's answer, or undefined to let Prism answer from the spec's examples. */
  answer(request: StateRequest): StateAnswer | Promise<StateAnswer> | undefined;
  /** The spec's example tags, once the spec is loaded. */
  setDefaultTags(tags: readonly DocGenTag[]): void;
  /** Where the server is reached, once it listens (before any state is made). */
  serveAt(serving: StateServing): void;
  /** The bytes behind a download URL key, and the session whose state handed it out. */
  content(
    key: string,
  ): { session: string | undefined; file: NonNullable<ReturnType<DocGenState['content']>> } | undefined;
}

export function createStateHost(options: DocGenStateOptions): StateHost {
  // States are made per session on first use: a mistake in the options is reported now instead.
  createDocGenState(options);
  const states = new Map<string, DocGenState>();
  const calls = new Map<string, Call>();
  let defaultTags: readonly DocGenTag[] = [];
  const serving: StateServing = {};
  let nextCall = 0;
  const state = (session: string | undefined) => {
    const key = session ?? '';
    let found = states.get(key);
    if (!found) {
      found = createDocGenState({ tags: defaultTags, ...options }, serving);
      states.set(key, found);
    }
    return found;
  };
  return {
    state,
    reset: (session) => (session === undefined ? states.clear() : void states.delete(session)),
    begin: (call) => {
      const id = String(++nextCall);
      calls.set(id, call);
      return id;
    },
    end: (id) => void calls.delete(id),
    answer: (request) => {
      const call = calls.get(request.headers[CALL_HEADER] ?? '');
      if (!call || call.example) return undefined;
      return state(call.session).handle(request, call.settings);
    },
    setDefaultTags: (tags) => {
      defaultTags = tags;
    },
    serveAt: (where) => void Object.assign(serving, where),
    content: (key) => {
      for (const [session, found] of states) {
        const file = found.content(key);
        if (file) return { session: session === '' ? undefined : session, file };
      }
      return undefined;
    },
  };
}
