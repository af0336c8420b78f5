// Counting words: "1 row", "3 rows"; "rows 0–1, 3–4" for the rows a batch really held.

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const batches = (n: number) => plural(n, 'batch', 'batches');

/** Sorted row numbers as runs: [0, 1, 3, 4, 5] → "0–1, 3–5"; at most `max` runs, then "…". */
export function ranges(numbers: readonly number[], max = 5): string {
  const runs: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    if (runs.length === max) {
      runs.push('…');
      break;
    }
    runs.push(i === j ? `${numbers[i]}` : `${numbers[i]}–${numbers[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/** "row 4" or "rows 0–1, 3–4". */
export const rowsText = (numbers: readonly number[]) => `${numbers.length === 1 ? 'row' : 'rows'} ${ranges(numbers)}`;
