import type { ProgressSettings } from '../state.js';
/**
 * The one small interface every scenario implements. A scenario sits in front of Prism: for
 * each request it may pick which of the spec's responses Prism sends (`prefer`), answer by
 * itself (`status`), or drop the connection (`drop`). Returning undefined lets Prism answer
 * as usual. Whatever a scenario answers must still be valid against the spec.
 */

export type ScenarioOptionValue = number | string | boolean;

/** How one option of a scenario is written, checked and documented. */
export interface ScenarioOptionSpec<Value extends ScenarioOptionValue = ScenarioOptionValue> {
  type: Value extends number ? 'number' : Value extends boolean ? 'boolean' : 'string';
  default: Value;
  description: string;
  /** Numbers only: smallest and largest allowed value, and whether it must be a whole number. */
  min?: number;
  max?: number;
  integer?: boolean;
}

/** An option that counts (reads, rows): a whole number, 0 or more. */
export const countOption = (value: number, description: string): ScenarioOptionSpec<number> => ({
  type: 'number',
  default: value,
  integer: true,
  min: 0,
  description,
});

/** What a scenario sees of a request. Header names are lower-case. */
export interface ScenarioRequest {
  readonly method: string;
  /** The path without the query, e.g. '/docgen_batch_jobs/7000123'. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, the text of a non-JSON body, or null. */
  readonly body: unknown;
  /**
   * The path parameters when the path matches a template of the spec's paths, else undefined:
   * `request.match('/docgen_jobs/{job_id}')` → `{ job_id: '12345' }`.
   */
  match(template: string): Record<string, string> | undefined;
}

/** What a scenario can do with a request. */
export type ScenarioAnswer =
  /** Let Prism answer, choosing the response with this `Prefer` value (e.g. 'code=202, example=processing'). */
  | { prefer: string }
  /** Answer here. The body is sent as JSON; it must be valid against the spec for this status. */
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Close the connection without answering (after the request was read). */
  | { drop: true };

export type ScenarioHandler = (request: ScenarioRequest) => ScenarioAnswer | undefined;

/** Read-only facts from the spec the server serves. */
export interface ScenarioContext {
  /** The names of the examples of one response, in the spec's order ([] when there are none). */
  exampleNames(path: string, method: string, status: number | 'default'): string[];
  /** The value of a named example (or the first one) of one response, or undefined. */
  example(path: string, method: string, status: number | 'default', name?: string): unknown;
  /** The server's clock in milliseconds (Date.now, or the stateful mode's `state.now`). */
  now(): number;
}

export interface Scenario<Options extends Record<string, ScenarioOptionValue> = Record<string, ScenarioOptionValue>> {
  /** Lower-case, dash-separated; what `scenario: '…'` and the x-box-docgen-scenario header name. */
  name: string;
  /** One or two sentences for `box-docgen-mock scenarios` and the README. */
  description: string;
  options: { [K in keyof Options]: ScenarioOptionSpec<Options[K]> };
  /**
   * Makes the handler. Called once per server and session the first time the scenario is used,
   * and again after reset(), so any counters live in this closure.
   */
  create(options: Options, context: ScenarioContext): ScenarioHandler;
  /**
   * In the stateful mode (the default), how the state's jobs progress under this scenario; a
   * scenario that has this part is not run as a handler there.
   */
  state?(options: Options): Partial<ProgressSettings>;
}

/** Identity function that gives a scenario definition its option types. */
export function defineScenario<Options extends Record<string, ScenarioOptionValue>>(
  scenario: Scenario<Options>,
): Scenario<Options> {
  return scenario;
}
