// Every custom rule (`rule/...`) in redocly.yaml has a one-line reason in the comment above it
// and a fixture, lint-fixtures/<rule-id>.yaml, that fails `redocly lint` for that rule alone.
// valid.yaml (the document every fixture is cut from) and the real spec pass with no problems.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { node, redoclyBin, root } from './run.js';

const fixtures = join(root, 'test/governance/lint-fixtures');
const config = join(root, 'redocly.yaml');
const configLines = readFileSync(config, 'utf8').split('\n');

/** The custom rules declared under `rules:`, with the line of comment right above each. */
const customRules = configLines.flatMap((line, index) => {
  const match = /^ {2}rule\/([\w.-]+):\s*$/.exec(line);
  return match ? [{ id: match[1]!, comment: configLines[index - 1] ?? '' }] : [];
});

async function lint(file: string) {
  const run = await node([redoclyBin, 'lint', file, '--config', config, '--format', 'json']);
  const start = run.stdout.indexOf('{');
  if (start < 0) throw new Error(`redocly lint printed no report for ${file}:\n${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout.slice(start));
  return { code: run.code, problems: report.problems as Array<{ ruleId: string; severity: string; message: string }> };
}

describe('redocly.yaml custom rules', () => {
  it('are found (the parser above still matches the file)', () => {
    expect(customRules.length).toBeGreaterThanOrEqual(10);
  });

  it.each(customRules)('rule/$id has a one-line reason in the comment right above it', ({ comment }) => {
    expect(comment).toMatch(/^ {2}# \S.{15,}$/);
  });

  it('every fixture belongs to a rule of redocly.yaml', () => {
    const files = readdirSync(fixtures).filter((name) => name.endsWith('.yaml') && name !== 'valid.yaml');
    expect(files.sort()).toEqual(customRules.map(({ id }) => `${id}.yaml`).sort());
  });
});

describe.concurrent('lint fixtures', () => {
  it.each(customRules)(
    'rule/$id: its fixture (lint-fixtures/<rule-id>.yaml) fails for that rule alone',
    async ({ id }) => {
      const { code, problems } = await lint(join(fixtures, `${id}.yaml`));
      expect(code).not.toBe(0);
      expect(problems.map((problem) => `${problem.ruleId} (${problem.severity})`)).toEqual([`rule/${id} (error)`]);
    },
  );

  it('valid.yaml, the base of every fixture, passes with no problems', async () => {
    const { code, problems } = await lint(join(fixtures, 'valid.yaml'));
    expect(problems).toEqual([]);
    expect(code).toBe(0);
  });

  it('the real spec passes with no problems', async () => {
    const { code, problems } = await lint(join(root, 'openapi/openapi.yaml'));
    expect(problems).toEqual([]);
    expect(code).toBe(0);
  });
});
