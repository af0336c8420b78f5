// Rows → what is sent: dotted CSV columns → nested user_input, and --name patterns.
import { compileColumns, compileNamePattern, NamePatternError, prepareRow, rowHash } from '@box-docgen/cli';
import { describe, expect, it } from 'vitest';

describe('compileColumns', () => {
  it('nests at dots, keeping the order of first appearance and the cells as strings', () => {
    const columns = compileColumns(['order.id', 'vendor.company', 'order.amount', ' vendor.contact.email ', 'notes']);
    expect(columns.count).toBe(5);
    const built = columns.build(['PO-1', 'Acme', '12.50', 'a@x.example', '']);
    expect(built).toEqual({
      order: { id: 'PO-1', amount: '12.50' },
      vendor: { company: 'Acme', contact: { email: 'a@x.example' } },
      notes: '',
    });
    expect(Object.keys(built)).toEqual(['order', 'vendor', 'notes']);
  });

  it('makes arrays of levels numbered 0..n-1 and drops trailing items whose cells are all empty', () => {
    const columns = compileColumns([
      'order.products.0.name',
      'order.products.0.qty',
      'order.products.1.name',
      'order.products.1.qty',
      'tags.0',
      'tags.1',
    ]);
    expect(columns.build(['Paper', '2', 'Pens', '5', 'a', 'b'])).toEqual({
      order: {
        products: [
          { name: 'Paper', qty: '2' },
          { name: 'Pens', qty: '5' },
        ],
      },
      tags: ['a', 'b'],
    });
    expect(columns.build(['Paper', '2', '', '', 'a', ''])).toEqual({
      order: { products: [{ name: 'Paper', qty: '2' }] },
      tags: ['a'],
    });
    // An empty item before a filled one stays: positions mean something.
    expect(columns.build(['', '', 'Pens', '5', '', 'b'])).toEqual({
      order: {
        products: [
          { name: '', qty: '' },
          { name: 'Pens', qty: '5' },
        ],
      },
      tags: ['', 'b'],
    });
  });

  it('refuses gaps in array numbering, and values that would also be objects', () => {
    expect(() => compileColumns(['items.0', 'items.2'])).toThrow(/"items.2" has no "items.1"/);
    expect(() => compileColumns(['order.id', 'order'])).toThrow(
      /column 2 \("order"\) is a value, but a column under "order\." makes "order" an object/,
    );
    expect(() => compileColumns(['order', 'order.id'])).toThrow(/column 1 \("order"\) is a value/);
  });

  it('treats a column named __proto__ as data, not as the prototype', () => {
    const built = compileColumns(['__proto__.polluted', 'a']).build(['yes', '1']);
    expect(Object.getPrototypeOf(built)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(built))).toEqual(JSON.parse('{"__proto__":{"polluted":"yes"},"a":"1"}'));
  });
});

describe('compileNamePattern', () => {
  const data = {
    order: { id: 'PO-7', total: 12.5, products: [{ name: 'Paper' }] },
    vendor: { company: 'Acme, Inc.', blank: '', none: null },
  };

  it('fills {paths} from the row, array items by index, {{ }} as literal braces', () => {
    expect(compileNamePattern('PO {order.id} {vendor.company}').apply(data)).toEqual({ name: 'PO PO-7 Acme, Inc.' });
    expect(compileNamePattern('{order.id} {order.total} {order.products.0.name}').apply(data)).toEqual({
      name: 'PO-7 12.5 Paper',
    });
    expect(compileNamePattern('{{draft}} { order.id }').apply(data)).toEqual({ name: '{draft} PO-7' });
    expect(compileNamePattern('PO {order.id} {vendor.company}').fields).toEqual(['order.id', 'vendor.company']);
  });

  it('makes a row invalid when a field is missing, empty, null or not a value', () => {
    const pattern = (p: string) => compileNamePattern(p).apply(data);
    expect(pattern('PO {order.vendor}')).toEqual({ error: '--name field {order.vendor} is missing from the row' });
    expect(pattern('PO {vendor.blank}')).toEqual({ error: '--name field {vendor.blank} is empty' });
    expect(pattern('PO {vendor.none}')).toEqual({ error: '--name field {vendor.none} is empty' });
    expect(pattern('PO {order.products}')).toEqual({ error: '--name field {order.products} is an array, not a value' });
    expect(pattern('PO {order}')).toEqual({ error: '--name field {order} is an object, not a value' });
  });

  it('refuses names Box cannot use', () => {
    const name = (value: string) => compileNamePattern('{x}').apply({ x: value });
    expect(name('a/b')).toMatchObject({ error: expect.stringMatching(/contains a \/ or \\/) });
    expect(name('a\\b')).toMatchObject({ error: expect.stringMatching(/contains a \/ or \\/) });
    expect(name('line\nbreak')).toMatchObject({ error: expect.stringMatching(/line break/) });
    expect(name('..')).toMatchObject({ error: expect.stringMatching(/not allowed/) });
    expect(name('x'.repeat(256))).toMatchObject({
      error: expect.stringMatching(/256 characters long; Box allows at most 255/),
    });
    expect(name('x'.repeat(255))).toEqual({ name: 'x'.repeat(255) });
  });

  it('refuses malformed patterns as a usage error', () => {
    expect(() => compileNamePattern('PO {order.id')).toThrow(NamePatternError);
    expect(() => compileNamePattern('PO {order.id')).toThrow(/never closed/);
    expect(() => compileNamePattern('PO {}')).toThrow(/names no field/);
    expect(() => compileNamePattern('PO }')).toThrow(/closes nothing/);
    expect(() => compileNamePattern('PO {a..b}')).toThrow(/empty part/);
    expect(() => compileNamePattern('  ')).toThrow(/empty/);
  });
});

describe('row identity', () => {
  it('hashes what is sent (name and user_input); a change to either changes the hash', () => {
    const pattern = compileNamePattern('{order.id}');
    const a = prepareRow({ index: 0, line: 2, data: { order: { id: 'PO-1' }, amount: '1' } }, pattern);
    const b = prepareRow({ index: 0, line: 2, data: { order: { id: 'PO-1' }, amount: '2' } }, pattern);
    expect(a).toEqual({ name: 'PO-1', hash: rowHash('PO-1', { order: { id: 'PO-1' }, amount: '1' }) });
    expect('hash' in a && 'hash' in b && a.hash !== b.hash).toBe(true);
    expect(rowHash('PO-1', { x: 1 })).toMatch(/^[0-9a-f]{16}$/);
    expect(rowHash('PO-1', { x: 1 })).not.toBe(rowHash('PO-2', { x: 1 }));
    expect(prepareRow({ index: 3, line: 9, data: {}, error: 'bad' }, pattern)).toEqual({ error: 'bad' });
  });
});
