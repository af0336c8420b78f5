/**
 * The scenario registry and the `name:key=value,key=value` syntax.
 *
 *   'jobs-progress'                       one scenario with its default options
 *   'rate-limited:every=2,retryAfter=0'   options inline
 *   'rate-limit:rps=25,burst=5'           a token bucket; 'rate-limit:window=60,limit=1000' a fixed window
 *   'rate-limited:every=4+jobs-progress'  several, joined by '+': the first that acts on a request wins
 *   'none' (or '')                        no scenario
 *
 * To add a scenario: write scenarios/<name>.ts exporting `defineScenario({...})` as default,
 * and add it to BUILT_IN_SCENARIOS below (or pass it in `startMockServer({ scenarios: [...] })`).
 */
import bulkBatches from './bulk-batches.js';
import flaky from './flaky.js';
import jobsProgress from './jobs-progress.js';
import rateLimit from './rate-limit.js';
import rateLimited from './rate-limited.js';
import tagsProcessing from './tags-processing.js';
import type { Scenario, ScenarioOptionSpec, ScenarioOptionValue } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: a registry holds scenarios whatever their options type.
export type AnyScenario = Scenario<any>;

export const BUILT_IN_SCENARIOS: readonly AnyScenario[] = [
  jobsProgress,
  rateLimited,
  rateLimit,
  flaky,
  tagsProcessing,
  bulkBatches,
];

/** Options per scenario name, e.g. `{ 'rate-limited': { every: 2 } }`. */
export type ScenarioOptionsMap = Record<string, Record<string, ScenarioOptionValue>>;

/** One scenario in use, with every option resolved. */
export interface ScenarioUse {
  scenario: AnyScenario;
  options: Record<string, ScenarioOptionValue>;
}

export class ScenarioSpecError extends TypeError {
  override name = 'ScenarioSpecError';
}

export function scenarioRegistry(extra: readonly AnyScenario[] = []): Map<string, AnyScenario> {
  const registry = new Map<string, AnyScenario>();
  for (const scenario of [...BUILT_IN_SCENARIOS, ...extra]) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(scenario.name)) {
      throw new ScenarioSpecError(
        `scenario names are lower-case letters, digits and dashes; got ${JSON.stringify(scenario.name)}`,
      );
    }
    if (scenario.name === 'none') throw new ScenarioSpecError('"none" is reserved: it means no scenario');
    registry.set(scenario.name, scenario);
  }
  return registry;
}

function convert(
  scenario: string,
  key: string,
  spec: ScenarioOptionSpec,
  raw: ScenarioOptionValue,
): ScenarioOptionValue {
  const where = `option ${key} of scenario ${scenario}`;
  switch (spec.type) {
    case 'number': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value)) throw new ScenarioSpecError(`${where} must be a number, got ${JSON.stringify(raw)}`);
      if (spec.integer && !Number.isInteger(value))
        throw new ScenarioSpecError(`${where} must be a whole number, got ${value}`);
      if (spec.min !== undefined && value < spec.min)
        throw new ScenarioSpecError(`${where} must be at least ${spec.min}, got ${value}`);
      if (spec.max !== undefined && value > spec.max)
        throw new ScenarioSpecError(`${where} must be at most ${spec.max}, got ${value}`);
      return value;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ScenarioSpecError(`${where} must be true or false, got ${JSON.stringify(raw)}`);
    }
    default:
      return String(raw);
  }
}

function resolveOptions(
  scenario: AnyScenario,
  given: Record<string, ScenarioOptionValue>,
): Record<string, ScenarioOptionValue> {
  const specs = scenario.options as Record<string, ScenarioOptionSpec>;
  for (const key of Object.keys(given)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      throw new ScenarioSpecError(
        `scenario ${scenario.name} has no option ${JSON.stringify(key)}${known.length ? `; its options: ${known.join(', ')}` : ''}`,
      );
    }
  }
  const options: Record<string, ScenarioOptionValue> = {};
  for (const [key, spec] of Object.entries(specs)) {
    options[key] = key in given ? convert(scenario.name, key, spec, given[key]!) : spec.default;
  }
  return options;
}

/** Parses 'name:key=value,…+name…' into the scenarios to apply, in order. */
export function parseScenarios(
  text: string,
  registry: Map<string, AnyScenario>,
  defaults: ScenarioOptionsMap = {},
): ScenarioUse[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  return trimmed.split('+').map((part) => {
    const match = /^\s*([^:\s]+)\s*(?::(.*))?$/.exec(part);
    const name = match?.[1] ?? part.trim();
    const scenario = registry.get(name);
    if (!match || !scenario) {
      throw new ScenarioSpecError(
        `unknown scenario ${JSON.stringify(name)}; known scenarios: ${[...registry.keys()].join(', ')}`,
      );
    }
    const inline: Record<string, ScenarioOptionValue> = {};
    for (const pair of (match[2] ?? '').split(',')) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new ScenarioSpecError(
          `scenario ${name}: options are written key=value, got ${JSON.stringify(pair.trim())}`,
        );
      inline[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return { scenario, options: resolveOptions(scenario, { ...defaults[name], ...inline }) };
  });
}

/** A stable text for a list of scenarios with their options (same text, same state). */
export function scenarioKey(uses: readonly ScenarioUse[]): string {
  return uses
    .map(({ scenario, options }) => {
      const pairs = Object.keys(options)
        .sort()
        .map((key) => `${key}=${String(options[key])}`);
      return pairs.length ? `${scenario.name}:${pairs.join(',')}` : scenario.name;
    })
    .join('+');
}

/** Checks a scenarioOptions map up front: every name known, every option known and valid. */
export function checkScenarioOptions(map: ScenarioOptionsMap, registry: Map<string, AnyScenario>): void {
  for (const [name, given] of Object.entries(map)) {
    const scenario = registry.get(name);
    if (!scenario) {
      throw new ScenarioSpecError(
        `scenarioOptions: unknown scenario ${JSON.stringify(name)}; known scenarios: ${[...registry.keys()].join(', ')}`,
      );
    }
    if (!given || typeof given !== 'object') throw new ScenarioSpecError(`scenarioOptions.${name} must be an object`);
    resolveOptions(scenario, given);
  }
}

export { defineScenario } from './types.js';
export type {
  Scenario,
  ScenarioAnswer,
  ScenarioContext,
  ScenarioHandler,
  ScenarioOptionSpec,
  ScenarioOptionValue,
  ScenarioRequest,
} from './types.js';
