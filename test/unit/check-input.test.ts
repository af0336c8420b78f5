// checkUserInput against the spec's example tags (a purchase order template): what is missing,
// what has the wrong shape, and which fields of the input no tag reads.
import { checkUserInput } from '@box-docgen/client/check-input';
import { describe, expect, it } from 'vitest';
import { example } from '../helpers/spec.js';

const tags = example('/docgen_templates/{template_id}/tags', 'get', 200).entries;

const order = () => ({
  order: {
    id: 'PO-1',
    date: '2025-03-01',
    vendor: { company: 'Acme', logo: 'https://example.com/logo.png' },
    products: [
      { name: 'bolt', quantity: 2, price: 0.5 },
      { name: 'nut', quantity: '4', price: '0.25' },
    ],
    taxRate: 0.2,
    deliveryNotes: ['leave at the gate'],
  },
});

describe('checkUserInput', () => {
  it('passes data that fits every tag, with nothing unused', () => {
    expect(checkUserInput(tags, order())).toEqual({ ok: true, problems: [], unused: [] });
  });

  it('finds a field under the wrong parent: missing where the template reads it, unused where it is', () => {
    const { order: o } = order();
    const { vendor, ...rest } = o;
    const result = checkUserInput(tags, { order: rest, vendor });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { path: 'order.vendor', kind: 'missing', expected: 'object', tag: '{{order.vendor.company}}' },
    ]);
    expect(result.unused.sort()).toEqual(['vendor.company', 'vendor.logo']);
  });

  it('a loop over something that is not a list is the wrong shape', () => {
    const data = order();
    (data.order as any).products = { name: 'bolt', quantity: 1, price: 1 };
    (data.order as any).deliveryNotes = 'leave at the gate';
    expect(checkUserInput(tags, data).problems).toEqual([
      { path: 'order.products', kind: 'shape', expected: 'array', tag: '{{tablerow item in order.products}}' },
      { path: 'order.deliveryNotes', kind: 'shape', expected: 'array', tag: '{{for note in order.deliveryNotes}}' },
    ]);
  });

  it('checks every item of a list, naming the item', () => {
    const data = order();
    delete (data.order.products[1] as any).price;
    (data.order.products[0] as any).quantity = 'two';
    expect(checkUserInput(tags, data).problems).toEqual([
      { path: 'order.products[0].quantity', kind: 'shape', expected: 'number', tag: '{{item.quantity * item.price}}' },
      { path: 'order.products[1].price', kind: 'missing', expected: 'number', tag: '{{item.quantity * item.price}}' },
    ]);
  });

  it('an object where text goes is the wrong shape; a missing condition is not a problem', () => {
    const data = order();
    (data.order as any).id = { value: 'PO-1' };
    delete (data.order as any).taxRate;
    expect(checkUserInput(tags, data).problems).toEqual([
      { path: 'order.id', kind: 'shape', expected: 'value', tag: '{{order.id}}' },
    ]);
  });

  it('input that is not an object misses the top of every path, once', () => {
    const { problems } = checkUserInput(tags, null);
    expect(problems).toEqual([{ path: 'order', kind: 'missing', expected: 'object', tag: '{{order.id}}' }]);
  });
});
