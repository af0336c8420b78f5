// The error for an input that cannot be read at all (exit 2: nothing is sent).

/** The input cannot be read at all (a bad header, an unreadable file). */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}
