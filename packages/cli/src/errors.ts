// The CLI's own error classes: each means "nothing was sent" and exits 2 (see cli.ts).

/** Bad command-line use (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The run refuses to start (exit 2): bad rows, a changed input, a ledger of another run. */
export class RefusedError extends Error {
  override name = 'RefusedError';
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** A token that could not be had; nothing was sent. */
export class TokenError extends Error {
  override name = 'TokenError';
}
