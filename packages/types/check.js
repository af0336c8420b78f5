/* @ts-self-types="./check.d.ts" */
// The one hand-written file of @box-docgen/types: it reads the request rules that
// `npm run generate` puts in endpoints.js, so the client (before sending) and the mock (on
// receiving) refuse the same requests in the same words. It is not a schema engine: it knows
// the few keywords and types a Rule holds, and the generator refuses a spec that needs more.

/** How a value of each JSON type is recognised. */
export const TYPES = {
  object: (v) => !!v && typeof v === 'object' && !Array.isArray(v),
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  integer: Number.isInteger,
  // For the client's own option rules; the spec's request schemas have no functions.
  function: (v) => typeof v === 'function',
};

/**
 * The first way `value` breaks `rule`, as `{ field, problem }`, or undefined when it fits.
 * `field` names the value (`''` for a whole body or query); nested fields read `file.id` and
 * `document_generation_data[2].user_input`.
 */
export function check(rule, value, field = '') {
  const at = (problem) => ({ field, problem });
  const { type, minimum, maximum, minItems } = rule;
  if (type && !TYPES[type](value)) return at(`must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`);
  // Every string these requests carry names something, so an empty one is never meant.
  if (typeof value === 'string' && !value.trim()) return at('must not be empty');
  if (rule.enum && !rule.enum.includes(value)) return at(`must be ${rule.enum.map((v) => `'${v}'`).join(' or ')}`);
  if (value < minimum) return at(`must be at least ${minimum}`);
  if (value > maximum) return at(`must be at most ${maximum}`);
  if (Array.isArray(value)) {
    if (value.length < minItems)
      return at(minItems === 1 ? 'must not be empty' : `must have at least ${minItems} entries`);
    for (let i = 0; rule.items && i < value.length; i++) {
      const found = check(rule.items, value[i], `${field}[${i}]`);
      if (found) return found;
    }
  } else if (TYPES.object(value)) {
    const inner = (key) => (field ? `${field}.${key}` : key);
    for (const key of rule.required ?? [])
      if (value[key] === undefined) return { field: inner(key), problem: 'is required' };
    for (const key in rule.properties) {
      const found = value[key] === undefined ? undefined : check(rule.properties[key], value[key], inner(key));
      if (found) return found;
    }
  }
  return undefined;
}
