// Every code block of the READMEs this repository owns runs against the mock or is type-checked
// (see readme-blocks.ts). The mock's and the CLI's READMEs call the same harness.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeBlocks, testReadmes } from './readme-blocks.js';

testReadmes([
  {
    path: 'README.md',
    // The quickstart's data, and the mock as the README starts it.
    files: { 'quickstart-orders.csv': 'packages/cli/samples/quickstart-orders.csv' },
    mock: { scenario: 'bulk-batches:polls=1' },
  },
  { path: 'packages/client/README.md', mock: { state: { polls: 1 } } },
  { path: 'packages/types/README.md' },
  { path: 'packages/spec/README.md' },
  {
    path: 'packages/cli/README.md',
    files: { 'orders.csv': 'packages/cli/samples/quickstart-orders.csv' },
    mock: { scenario: 'bulk-batches:polls=1' },
  },
]);

describe('readmeBlocks', () => {
  it('reads each fenced block with its language, its line and the not-run marker right before it', () => {
    const markdown = [
      '# A',
      '<!-- not-run: needs a Box account -->',
      '',
      '```ts',
      'const a = 1;',
      '```',
      '- a list item:',
      '  ```sh',
      '  box-docgen jobs list',
      '  ```',
      '<!-- not-run: -->',
      '```',
      'plain',
      '```',
    ].join('\n');
    expect(readmeBlocks(markdown)).toEqual([
      { line: 4, lang: 'ts', kind: 'ts', code: 'const a = 1;\n', notRun: 'needs a Box account' },
      { line: 8, lang: 'sh', kind: 'sh', code: 'box-docgen jobs list\n', notRun: undefined },
      { line: 12, lang: '', kind: 'unknown', code: 'plain\n', notRun: '' },
    ]);
  });

  it('refuses a block that is never closed', () => {
    expect(() => readmeBlocks('text\n```ts\nconst a = 1;\n')).toThrow('line 2: the code block is never closed');
  });
});

describe('the set-up commands', () => {
  it('the root README gives the demo and the test command, and .ci/run runs exactly that test command', () => {
    const commands = readmeBlocks(readFileSync('README.md', 'utf8'))
      .filter((b) => b.kind === 'sh')
      .flatMap((b) => b.code.split('\n').map((line) => line.replace(/#.*/, '').trim()));
    expect(commands).toContain('npm ci && npm run demo');
    const test = commands.find((c) => /^npm ci && npm (run )?test\b/.test(c));
    expect(test).toBeDefined();
    const ciLines = readFileSync('.ci/run', 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#') && !/^(set|cd) /.test(line));
    expect(ciLines).toEqual([test]);
  });
});
