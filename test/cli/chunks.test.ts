// The input is read in 64 KiB chunks into one reused buffer (decode.ts): rows that cross a chunk
// boundary, a character cut in two by one, a line longer than a chunk, and a bad byte far into
// the file still read exactly, and the error still names the right line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, readRows } from '@box-docgen/cli';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'box-docgen-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CHUNK = 64 * 1024;

async function rowsOf(name: string, bytes: Buffer) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const rows = [];
  for await (const row of readRows(path, 'csv')) rows.push(row.data);
  return rows;
}

describe('reading in reused chunks', () => {
  it('reads rows across chunk boundaries, a character cut by one, and a line longer than a chunk', async () => {
    const header = 'order.id,note\n';
    // Pad so that the 3-byte "€" of the row below starts one byte before the first boundary.
    const pad = CHUNK - Buffer.byteLength(header) - Buffer.byteLength('A,') - 1 - 1;
    const cut = `A,${'x'.repeat(pad)}€y\n`;
    const long = `B,${'ü'.repeat(CHUNK)}\n`; // 128 KiB of 2-byte characters: over two chunks alone
    const many = Array.from({ length: 3000 }, (_, i) => `C${i},Straße ${i}\n`).join('');
    const rows = await rowsOf('ok.csv', Buffer.from(header + cut + long + many));
    expect(rows).toHaveLength(3002);
    expect(rows[0]).toEqual({ order: { id: 'A' }, note: `${'x'.repeat(pad)}€y` });
    expect(rows[1]).toEqual({ order: { id: 'B' }, note: 'ü'.repeat(CHUNK) });
    expect(rows[3001]).toEqual({ order: { id: 'C2999' }, note: 'Straße 2999' });
  });

  it('names the line of a bad byte two chunks into the file', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `R${i},fine\n`);
    lines[18000] = 'R18000,Caf\xe9\n'; // Latin-1 é: not UTF-8
    const text = `order.id,note\n${lines.join('')}`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * CHUNK);
    const error = await rowsOf('bad.csv', Buffer.from(text, 'latin1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(18002);
    expect((error as Error).message).toMatch(/not valid UTF-8/);
  });
});
