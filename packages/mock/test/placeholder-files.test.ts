// The placeholder documents' own rules: the PDF writes Latin-1 names in WinAnsi (octal escapes),
// other characters as '?'; the same name gives the same bytes; the zip's CRC-32 is the standard one.
import { crc32 as nodeCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import { placeholderDocx, placeholderFile, placeholderPdf } from '../src/placeholder-files.js';
import { crc32 } from '../src/stored-zip.js';

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('placeholder files', () => {
  it('PDF: Latin-1 characters as octal escapes, others as ?, and the stream length counts the escapes', () => {
    const text = latin1(placeholderPdf('Café – Ω (draft)'));
    const line = 'BT /F1 16 Tf 72 720 Td (Caf\\351 ? ? \\(draft\\)) Tj ET';
    expect(text).toContain(`/Length ${line.length} >>\nstream\n${line}\nendstream`);
  });

  it('the same name gives the same bytes; another name other bytes', () => {
    expect(placeholderDocx('A')).toEqual(placeholderDocx('A'));
    expect(placeholderDocx('A')).not.toEqual(placeholderDocx('B'));
    expect(placeholderPdf('A')).toEqual(placeholderPdf('A'));
  });

  it('knows the output types of the spec and no other', () => {
    expect(placeholderFile('pdf', 'x')?.contentType).toBe('application/pdf');
    expect(latin1(placeholderFile('docx', 'x')!.bytes).slice(0, 2)).toBe('PK');
    expect(placeholderFile('xlsx', 'x')).toBeUndefined();
    expect(placeholderFile('constructor', 'x')).toBeUndefined();
  });

  it('crc32 agrees with zlib', () => {
    for (const text of ['', 'a', 'The quick brown fox', '\u00ff\u0000'.repeat(100)]) {
      const bytes = new TextEncoder().encode(text);
      expect(crc32(bytes)).toBe(nodeCrc32(bytes));
    }
  });
});
