// The token function every sign-in helper returns: it asks for a token only when the one it holds
// is about to expire (or a 401 forced a refresh), and concurrent callers share one request.
import type { TokenSource } from './transport.js';

/** A token function, as createDocGenClient takes it. */
export type TokenFunction = Exclude<TokenSource, string>;

/** A token and how many seconds it lasts, as the token endpoint answers. */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** Renewed this long before expiry (or at half its life when it is short), so no call carries a token that lapses in flight. */
const EARLY_MS = 60_000;

/** When a token issued at `now` for `expiresIn` seconds should be replaced. */
export const renewAt = (now: number, expiresIn: number): number =>
  now + Math.max((expiresIn * 1000) / 2, expiresIn * 1000 - EARLY_MS);

export function cachedToken(issue: () => Promise<IssuedToken>): TokenFunction {
  let held: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return ({ forceRefresh }) => {
    if (!forceRefresh && held && Date.now() < held.renewAt) return held.token;
    // A refresh already under way answers every caller, a forced one too: its token is new.
    pending ??= issue()
      .then(({ accessToken, expiresIn }) => {
        held = { token: accessToken, renewAt: renewAt(Date.now(), expiresIn) };
        return accessToken;
      })
      .finally(() => (pending = undefined));
    return pending;
  };
}
