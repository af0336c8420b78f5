// Output helpers shared by the thin commands: a JSON array written item by item, or one
// line per item in padded columns. Both stream: a list of 100,000 jobs is never held.

export interface Out {
  write(text: string): unknown;
}

export interface Lister<T> {
  item(value: T): void;
  end(): void;
  count(): number;
}

export function lister<T>(
  out: Out,
  json: boolean,
  columns: { title: string; width: number; value: (item: T) => string }[],
): Lister<T> {
  let n = 0;
  const row = (cells: string[]) =>
    `${cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(columns[i]!.width)))
      .join('  ')
      .trimEnd()}\n`;
  return {
    item(value) {
      if (json) out.write(`${n === 0 ? '[\n' : ',\n'}  ${JSON.stringify(value)}`);
      else {
        if (n === 0) out.write(row(columns.map((c) => c.title.toUpperCase())));
        out.write(row(columns.map((c) => c.value(value))));
      }
      n++;
    },
    end() {
      if (json) out.write(n === 0 ? '[]\n' : '\n]\n');
      else if (n === 0) out.write('(none)\n');
    },
    count: () => n,
  };
}

export function printJson(out: Out, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
