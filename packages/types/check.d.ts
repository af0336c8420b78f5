// The checker of the request rules in endpoints.js (see check.js).
import type { Rule } from './endpoints.js';

/** What is wrong with a value, and where. */
export interface RuleProblem {
  /** The field at fault: `file.id`, `limit`, `document_generation_data[2].user_input`; `''` for the value itself. */
  field: string;
  /** What is wrong, in words to follow the field: `must be an object`, `is required`. */
  problem: string;
}

/** The first way `value` breaks `rule`, or undefined when it fits. */
export declare function check(rule: Rule, value: unknown, field?: string): RuleProblem | undefined;
