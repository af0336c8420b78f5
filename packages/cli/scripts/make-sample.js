// Writes samples/purchase-orders.csv: 250 purchase orders, the same bytes every time (a fixed
// pseudo-random sequence). The file is committed; run this only to change it:
//
//   node packages/cli/scripts/make-sample.js [rows] [out]
//
// It exercises the CSV reader: quoted fields with commas, doubled quotes, line breaks inside a
// field, dotted columns that nest (order.id, vendor.contact.email) and numbered ones that make
// arrays (products.0.name, products.1.name; the second product is empty on some rows).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const rows = Number(process.argv[2] ?? 250);
const out = process.argv[3] ?? join(here, '..', 'samples', 'purchase-orders.csv');

// mulberry32: a tiny seeded generator, so the sample is reproducible.
let seed = 20250304;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const vendors = [
  { company: 'Lindqvist Paper Co.', address: 'Storgatan 12, 111 23 Stockholm, Sweden', contact: 'Maja Lindqvist' },
  { company: 'Northwind Traders, Ltd.', address: '4 Harbour Row, Portsmouth PO1 3AX, UK', contact: 'Ian Devling' },
  { company: 'The "Green" Ink Company', address: '77 Mill Lane, Burlington, VT 05401, USA', contact: 'Rosa Vega' },
  { company: 'Contoso Office Supply', address: '1 Microsoft Way, Redmond, WA 98052, USA', contact: 'Kim Abercrombie' },
  { company: 'Fabrikam Inks', address: 'Rue de la Paix 3, 75002 Paris, France', contact: 'Élodie Martin' },
  { company: 'Tailspin Toner & Co.', address: '200 Jet Street, Wichita, KS 67202, USA', contact: 'Sam Ortega' },
  { company: 'Adatum Stationers', address: 'Königsallee 9, 40212 Düsseldorf, Germany', contact: 'Jonas Weber' },
];
const products = [
  ['Recycled copy paper, letter, 500 sheets', 5.4],
  ['Ballpoint pens, blue, box of 50', 12.9],
  ['Toner cartridge, black, high yield', 89.0],
  ['Sticky notes 3"x3", 12 pads', 8.75],
  ['Archive boxes, A4, pack of 10', 24.5],
  ['Whiteboard markers, assorted, 8 pack', 9.99],
];
const notes = [
  '',
  '',
  'Deliver to the loading dock.',
  'Split delivery allowed, but invoice once.',
  'Call "front desk" on arrival.',
  'Two lines:\nleave at reception, ask for Sam.',
];

const csv = (value) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const header = [
  'order.id',
  'order.date',
  'order.currency',
  'order.amount',
  'vendor.company',
  'vendor.address',
  'vendor.contact.name',
  'vendor.contact.email',
  'products.0.name',
  'products.0.quantity',
  'products.0.price',
  'products.1.name',
  'products.1.quantity',
  'products.1.price',
  'notes',
];
const lines = [header.join(',')];
for (let i = 0; i < rows; i++) {
  const vendor = pick(vendors);
  const first = pick(products);
  const q1 = 1 + Math.floor(random() * 40);
  const second = random() < 0.6 ? pick(products) : undefined;
  const q2 = second ? 1 + Math.floor(random() * 20) : 0;
  const amount = first[1] * q1 + (second ? second[1] * q2 : 0);
  const day = 1 + Math.floor(random() * 28);
  const email = `${vendor.contact
    .split(' ')[0]
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase()}@${vendor.company.replace(/[^A-Za-z]/g, '').toLowerCase()}.example`;
  lines.push(
    [
      `PO-2025-${String(1001 + i).padStart(4, '0')}`,
      `2025-03-${String(day).padStart(2, '0')}`,
      'USD',
      amount.toFixed(2),
      vendor.company,
      vendor.address,
      vendor.contact,
      email,
      first[0],
      q1,
      first[1].toFixed(2),
      second ? second[0] : '',
      second ? q2 : '',
      second ? second[1].toFixed(2) : '',
      pick(notes),
    ]
      .map(csv)
      .join(','),
  );
}
writeFileSync(out, `${lines.join('\r\n')}\r\n`);
console.log(`wrote ${rows} rows to ${out}`);
