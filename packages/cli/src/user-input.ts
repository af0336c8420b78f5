// CSV columns → a row's user_input. A dot in a column name nests: `order.id` and
// `order.vendor.company` become { order: { id, vendor: { company } } }. A level whose parts
// are all whole numbers from 0 up (`products.0.name`, `products.1.name`) becomes an array;
// trailing array items whose cells are all empty are dropped, so a sheet with room for five
// products can hold two. Cells stay strings, exactly as written.
//
// The header is checked and compiled once; `build` then only fills values in.

type Node = { kind: 'object' | 'array'; children: Map<string, Node | number> };

export interface Columns {
  /** How many columns the header has; every row must have as many fields. */
  count: number;
  /** Column names as written (trimmed). */
  names: string[];
  /** The nested user_input of one row's fields. */
  build(values: readonly string[]): Record<string, unknown>;
}

const INDEX = /^(0|[1-9][0-9]*)$/;

export function compileColumns(header: readonly string[]): Columns {
  const names = header.map((name) => name.trim());
  const root: Node = { kind: 'object', children: new Map() };
  const leaves = new Map<string, number>();
  names.forEach((name, column) => {
    const where = `column ${column + 1} ("${name}")`;
    if (!name) throw new Error(`column ${column + 1} has no name`);
    const parts = name.split('.');
    if (parts.some((part) => part === ''))
      throw new Error(`${where} has an empty part: dots must separate names, as in order.vendor.company`);
    const seen = leaves.get(name);
    if (seen !== undefined) throw new Error(`columns ${seen + 1} and ${column + 1} are both named "${name}"`);
    leaves.set(name, column);
    let node = root;
    parts.forEach((part, depth) => {
      const prefix = parts.slice(0, depth + 1).join('.');
      const child = node.children.get(part);
      if (depth === parts.length - 1) {
        if (child !== undefined) {
          throw new Error(`${where} is a value, but ${describeUse(child, prefix, names)} makes "${prefix}" an object`);
        }
        node.children.set(part, column);
        return;
      }
      if (typeof child === 'number') {
        throw new Error(`column ${child + 1} ("${names[child]}") is a value, but ${where} makes "${prefix}" an object`);
      }
      let next = child;
      if (next === undefined) {
        next = { kind: 'object', children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    });
  });
  settleArrays(root, '');
  return {
    count: names.length,
    names,
    build: (values) => buildNode(root, values) as Record<string, unknown>,
  };
}

function describeUse(child: Node | number, prefix: string, names: string[]): string {
  if (typeof child === 'number') return `column ${child + 1} ("${names[child]}")`;
  return `a column under "${prefix}."`;
}

/** A level whose keys are all 0..n-1 becomes an array; gaps are an error (below the root only). */
function settleArrays(node: Node, path: string): void {
  const keys = [...node.children.keys()];
  if (path !== '' && keys.length > 0 && keys.every((key) => INDEX.test(key))) {
    const indexes = keys.map(Number).sort((a, b) => a - b);
    indexes.forEach((value, i) => {
      if (value !== i)
        throw new Error(
          `"${path}.${value}" has no "${path}.${i}" before it: array items must be numbered from 0 without gaps`,
        );
    });
    node.kind = 'array';
  }
  for (const [key, child] of node.children)
    if (typeof child !== 'number') settleArrays(child, path ? `${path}.${key}` : key);
}

function buildNode(node: Node, values: readonly string[]): unknown {
  if (node.kind === 'array') {
    const items: unknown[] = [];
    for (let i = 0; i < node.children.size; i++) items.push(buildChild(node.children.get(String(i))!, values));
    while (items.length > 0 && isEmpty(items[items.length - 1])) items.pop();
    return items;
  }
  const object: Record<string, unknown> = {};
  for (const [key, child] of node.children) {
    const value = buildChild(child, values);
    // A column named __proto__ is data like any other, not the object's prototype.
    if (key === '__proto__')
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
  }
  return object;
}

function buildChild(child: Node | number, values: readonly string[]): unknown {
  return typeof child === 'number' ? (values[child] ?? '') : buildNode(child, values);
}

function isEmpty(value: unknown): boolean {
  if (value === '') return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  if (value && typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

/** The value at a dotted path of a nested object (array items by index), or undefined. */
export function valueAt(data: unknown, path: readonly string[]): unknown {
  let value: unknown = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
