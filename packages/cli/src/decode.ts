// Bytes of the input file to text, refusing rather than guessing. Node's own decoding puts
// U+FFFD in place of bytes that are not UTF-8, so a Latin-1 "Café" would be sent as "Caf\uFFFD"
// without a word. Here invalid UTF-8 is an InputError naming the file and the line, and
// `--encoding latin1` reads the file as Latin-1 instead.
//
// The bytes are cut into pieces that end at a line break (LF or CR never occur inside a
// UTF-8 or Latin-1 character), so each piece decodes alone and a bad one can be searched line
// by line for the line to name.
import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { InputError } from './input-error.js';

export type InputEncoding = 'utf8' | 'latin1';

export function encodingOf(name: string | undefined): InputEncoding {
  if (name === undefined) return 'utf8';
  const key = name.toLowerCase();
  if (key === 'utf8' || key === 'utf-8') return 'utf8';
  if (key === 'latin1' || key === 'latin-1' || key === 'iso-8859-1') return 'latin1';
  throw new InputError(`unknown --encoding "${name}": use utf8 (the default) or latin1`);
}

const decoderFor = (encoding: InputEncoding) =>
  // The WHATWG 'latin1' is Windows-1252: ISO-8859-1 plus the characters (€, curly quotes)
  // that files written as "Latin-1" hold at 0x80–0x9F. A byte-order mark is left in the text;
  // the readers drop it at the start of the file only.
  new TextDecoder(encoding === 'latin1' ? 'latin1' : 'utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes `chunks` (bytes; text chunks pass as they are). `file` names the input in errors.
 * Never yields U+FFFD it did not find in the input as a character; it refuses that too,
 * since a replacement character in a row means an earlier conversion already lost data.
 */
export async function* decodeText(
  chunks: AsyncIterable<string | Buffer>,
  encoding: InputEncoding = 'utf8',
  file = 'the input',
): AsyncGenerator<string> {
  const decoder = decoderFor(encoding);
  // The start of a line cut by the end of a chunk: copied, since a chunk's bytes may be reused.
  let pending: Buffer[] = [];
  let line = 1; // the line the next piece starts on
  // The held bytes and the head of the next chunk, decoded as one (a character may be cut
  // between them) without copying them into one buffer first, unless they turn out bad.
  const piece = (held: Buffer[], head: Buffer): string => {
    let text: string | undefined;
    try {
      text = held.map((bytes) => decoder.decode(bytes, { stream: true })).join('') + decoder.decode(head);
    } catch {
      text = undefined;
    }
    if (text === undefined || text.includes('\uFFFD'))
      throw undecodable(decoderFor(encoding), Buffer.concat([...held, head]), file, line);
    line += lineBreaks(text);
    return text;
  };
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    const end = pieceEnd(chunk);
    if (end < 0) {
      pending.push(Buffer.from(chunk));
      continue;
    }
    yield piece(pending, chunk.subarray(0, end));
    pending = [Buffer.from(chunk.subarray(end))];
  }
  const rest = Buffer.concat(pending);
  if (rest.length > 0) yield piece([], rest);
}

/**
 * A file's bytes in chunks read into one buffer, reused: a chunk is valid until the next one is
 * asked for. A million-row input then costs no new buffer per chunk, which the garbage collector
 * would otherwise let pile up as external memory between its full collections.
 */
export async function* fileChunks(path: string, size = 64 * 1024): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** Just past the last line break of `chunk` that cannot be the CR of a CRLF cut in two; -1 if none. */
function pieceEnd(chunk: Buffer): number {
  const lf = chunk.lastIndexOf(0x0a);
  if (lf >= 0) return lf + 1;
  const cr = chunk.lastIndexOf(0x0d);
  return cr >= 0 && cr < chunk.length - 1 ? cr + 1 : -1;
}

function decodeOrUndefined(decoder: TextDecoder, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Line breaks as the readers count them: CRLF, CR or LF. */
const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

/** The error for a piece that does not decode: it names the first bad line (`first` is the piece's). */
function undecodable(decoder: TextDecoder, bytes: Buffer, file: string, first: number): InputError {
  let start = 0;
  let line = first;
  for (let i = 0; i <= bytes.length; i++) {
    const b = bytes[i];
    if (!(i === bytes.length || b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a))) continue;
    const text = decodeOrUndefined(decoder, bytes.subarray(start, i));
    if (text === undefined) {
      return new InputError(
        `${file} is not valid UTF-8 (a byte that is no part of a character); if the file is Latin-1 (Windows-1252), pass --encoding latin1`,
        line,
      );
    }
    if (text.includes('\uFFFD')) {
      return new InputError(
        `${file} holds U+FFFD, the replacement character: an earlier conversion lost the original character here; fix the file`,
        line,
      );
    }
    start = i + 1;
    line++;
  }
  return new InputError(`${file} cannot be decoded`, first); // not reached: some line of the piece is bad
}
