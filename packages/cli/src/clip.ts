// A cap on the length of any one text the CLI records or logs. A server can answer with an
// error message of a megabyte; copied into every ledger record, report cell and log line, it
// would swamp the disk and the terminal while adding nothing after the first lines.

/** Texts longer than this are cut (in characters); the cut text, note included, fits in it. */
export const MAX_TEXT = 2_000;

// Room for the note: "… [cut 9007199254740991 characters]" is 35 characters.
const NOTE_ROOM = 40;

/** `text`, or its start and a note of how many characters were cut. Cutting twice changes nothing. */
export function clip(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  let keep = max - NOTE_ROOM;
  // Do not split a surrogate pair: half of one is not a character.
  if (/[\uD800-\uDBFF]/.test(text[keep - 1]!)) keep--;
  return `${text.slice(0, keep)}… [cut ${text.length - keep} characters]`;
}
