// The scenario syntax, options, the registry, custom scenarios, and the seeded PRNG.
import { createDocGenClient } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';

import {
  BUILT_IN_SCENARIOS,
  clientError,
  defineScenario,
  mulberry32,
  parseScenarios,
  scenarioHeaders,
  scenarioRegistry,
  seedFrom,
  startMockServer,
} from '../src/index.js';
import { mockGlobalSetup, optionsFromEnv } from '../src/vitest.js';
import { BOX_HEADERS } from './helpers.js';

const registry = scenarioRegistry();
const parse = (text: string, defaults = {}) =>
  parseScenarios(text, registry, defaults).map(({ scenario, options }) => [scenario.name, options]);

describe('scenario syntax', () => {
  it('reads names, inline options and +', () => {
    expect(parse('')).toEqual([]);
    expect(parse('none')).toEqual([]);
    expect(parse('jobs-progress')).toEqual([['jobs-progress', { polls: 2 }]]);
    expect(parse(' rate-limited:every=5, retryAfter=0 ')).toEqual([['rate-limited', { every: 5, retryAfter: 0 }]]);
    expect(parse('flaky:seed=abc,rate=0.25+tags-processing:polls=3')).toEqual([
      ['flaky', { rate: 0.25, drop: 0.5, seed: 'abc' }],
      ['tags-processing', { polls: 3 }],
    ]);
  });

  it('takes options from a map, inline ones winning', () => {
    expect(parse('rate-limited', { 'rate-limited': { every: 7 } })).toEqual([
      ['rate-limited', { every: 7, retryAfter: 1 }],
    ]);
    expect(parse('rate-limited:every=2', { 'rate-limited': { every: 7, retryAfter: 4 } })).toEqual([
      ['rate-limited', { every: 2, retryAfter: 4 }],
    ]);
  });

  it('names what is wrong', () => {
    expect(() => parse('slow')).toThrow(
      'unknown scenario "slow"; known scenarios: jobs-progress, rate-limited, rate-limit, flaky, tags-processing',
    );
    expect(() => parse('flaky:rate')).toThrow('scenario flaky: options are written key=value, got "rate"');
    expect(() => parse('flaky:rate=often')).toThrow('option rate of scenario flaky must be a number, got "often"');
    expect(() => parse('jobs-progress:polls=1.5')).toThrow(
      'option polls of scenario jobs-progress must be a whole number, got 1.5',
    );
    expect(() => parse('tags-processing:wait=1')).toThrow(
      'scenario tags-processing has no option "wait"; its options: polls',
    );
  });

  it('documents every option of every built-in scenario', () => {
    for (const scenario of BUILT_IN_SCENARIOS) {
      expect(scenario.description.length).toBeGreaterThan(20);
      for (const spec of Object.values(scenario.options)) expect(spec.description.length).toBeGreaterThan(5);
    }
  });
});

describe('custom scenarios', () => {
  it('can be added per server with scenarios: [...] and chosen by name', async () => {
    // Every template is "not found": an answer of Prism's chosen with Prefer, and one made here.
    const missing = defineScenario({
      name: 'missing-templates',
      description: 'Every GET of a template answers 404; every DELETE answers 403 with a message of our own.',
      options: { message: { type: 'string', default: 'Not yours', description: 'the 403 message' } },
      create:
        ({ message }) =>
        (request) => {
          if (!request.match('/docgen_templates/{template_id}')) return undefined;
          if (request.method === 'GET') return { prefer: 'code=404' };
          if (request.method === 'DELETE') return { status: 403, body: clientError(403, message) };
          return undefined;
        },
    });
    const mock = await startMockServer({ mode: 'static', scenarios: [missing] });
    try {
      const docgen = createDocGenClient({
        token: 't',
        baseUrl: mock.url,
        maxRetries: 0,
        headers: scenarioHeaders('missing-templates:message=Nope'),
      });
      await expect(docgen.templates.get('1')).rejects.toMatchObject({ status: 404, code: 'not_found' });
      await expect(docgen.templates.delete('1')).rejects.toMatchObject({
        status: 403,
        code: 'forbidden',
        message: expect.stringContaining('Nope'),
      });
      await expect(docgen.jobs.get('1')).resolves.toMatchObject({ type: 'docgen_job' });
    } finally {
      await mock.close();
    }
    expect(() => scenarioRegistry([{ ...missing, name: 'Bad Name' }])).toThrow(/lower-case/);
  });

  it('sees the spec through its context', async () => {
    let names: string[] = [];
    const peek = defineScenario({
      name: 'peek',
      description: 'Reads the example names of the batch jobs response.',
      options: {},
      create: (_options, context) => {
        names = context.exampleNames('/docgen_batch_jobs/{batch_id}', 'get', 200);
        return () => undefined;
      },
    });
    const mock = await startMockServer({ mode: 'static', scenarios: [peek], scenario: 'peek' });
    try {
      await (await fetch(`${mock.url}/docgen_jobs/1`, { headers: BOX_HEADERS })).arrayBuffer();
      expect(names).toEqual(expect.arrayContaining(['completed', 'pending', 'mixed']));
    } finally {
      await mock.close();
    }
  });
});

describe('mulberry32', () => {
  it('repeats its sequence for a seed, and differs for another', () => {
    const take = (seed: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    for (const n of take(3)) expect(n >= 0 && n < 1).toBe(true);
    expect(seedFrom('abc')).toBe(seedFrom('abc'));
    expect(seedFrom('abc')).not.toBe(seedFrom('abd'));
    expect(seedFrom(7)).toBe(7);
  });
});

describe('vitest global setup options', () => {
  it('reads the scenario and the rest from the environment', () => {
    expect(
      optionsFromEnv({
        BOX_DOCGEN_MOCK_SCENARIO: 'tags-processing',
        BOX_DOCGEN_MOCK_DYNAMIC: '1',
        BOX_DOCGEN_MOCK_SEED: '5',
        BOX_DOCGEN_MOCK_LOG_LEVEL: 'warn',
      }),
    ).toEqual({ scenario: 'tags-processing', dynamic: true, seed: '5', logLevel: 'warn' });
    expect(optionsFromEnv({})).toEqual({});
    expect(() => optionsFromEnv({ BOX_DOCGEN_MOCK_LOG_LEVEL: 'loud' })).toThrow(
      /BOX_DOCGEN_MOCK_LOG_LEVEL must be one of/,
    );
  });

  it('mockGlobalSetup(options) starts a server with those options and provides its URL', async () => {
    const provided = new Map<string, unknown>();
    const teardown = await mockGlobalSetup({ scenario: 'tags-processing' })({
      provide: ((key: string, value: unknown) => provided.set(key, value)) as never,
    });
    try {
      const response = await fetch(`${provided.get('mockUrl') as string}/docgen_templates/1/tags`, {
        headers: BOX_HEADERS,
      });
      expect(response.status).toBe(202);
      await response.arrayBuffer();
    } finally {
      await teardown();
    }
  });
});
