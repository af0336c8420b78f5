// The README's first example runs as written: its imports become this file's, the rest runs as is.
import { readFileSync } from 'node:fs';

import { createDocGenClient } from '@box-docgen/client';
import { expect, it } from 'vitest';

import { startMockServer } from '../src/index.js';
import '../src/vitest.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const first = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

it('runs the README example', async () => {
  const imports = first.split('\n').filter((line) => line.startsWith('import '));
  expect(imports).toEqual([
    "import { createDocGenClient } from '@box-docgen/client';",
    "import { startMockServer } from '@box-docgen/mock';",
    "import '@box-docgen/mock/vitest'; // adds expect(mock).toHaveReceived(…)",
  ]);
  const body = first
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .join('\n');
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction('startMockServer', 'createDocGenClient', 'expect', body)(
    startMockServer,
    createDocGenClient,
    expect,
  );
});
