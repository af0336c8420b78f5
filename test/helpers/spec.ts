// Reads examples out of the bundled spec, so tests compare against the contract, not copies of it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const spec = require('@box-docgen/spec/openapi.json');

function deref(node: any): any {
  if (node && typeof node.$ref === 'string') {
    return deref(
      node.$ref
        .slice(2)
        .split('/')
        .reduce((at: any, key: string) => at[key], spec),
    );
  }
  return node;
}

function pick(examples: Record<string, unknown>, name?: string): any {
  const chosen = name ? examples[name] : Object.values(examples)[0];
  if (!chosen) throw new Error(`no example ${name ?? '(first)'}`);
  return deref(chosen).value;
}

/** The `value` of a named (or the first) example of a response body. */
export function example(path: string, method: string, status: number | string, name?: string): any {
  const response = deref(spec.paths[path][method].responses[String(status)]);
  return pick(response.content['application/json'].examples, name);
}

/** The `value` of a named (or the first) example of a request body. */
export function requestExample(path: string, method: string, name?: string): any {
  return pick(deref(spec.paths[path][method].requestBody).content['application/json'].examples, name);
}
