// Which operation of the spec a request is: the generated operation table's methods and path
// templates, matched once per request. No Node built-ins: the front, the state and scenarios use it.
import { endpoints, helperEndpoints } from '@box-docgen/types/endpoints';

export type OperationId = keyof typeof endpoints;
export type Endpoint = (typeof endpoints)[OperationId];
/** The operations outside Doc Gen (sign-in, downloads), by operationId. */
export type HelperOperationId = keyof typeof helperEndpoints;
export type HelperEndpoint = (typeof helperEndpoints)[HelperOperationId];

export interface Route {
  operationId: OperationId;
  endpoint: Endpoint;
  /** The path parameters, decoded. */
  params: Record<string, string>;
}

const compiled = new Map<string, { regex: RegExp; names: string[] }>();

/** The parameters when `path` fits `template` ('/docgen_jobs/{job_id}'), else undefined. */
export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  let entry = compiled.get(template);
  if (!entry) {
    const names: string[] = [];
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([^/]+)';
      })
      .join('');
    entry = { regex: new RegExp(`^${source}/?$`), names };
    compiled.set(template, entry);
  }
  const found = entry.regex.exec(path);
  if (!found) return undefined;
  const params: Record<string, string> = {};
  entry.names.forEach((name, i) => {
    const value = found[i + 1] ?? '';
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      params[name] = value;
    }
  });
  return params;
}

function router<Id extends string, E extends { method: string; path: string }>(operations: Record<Id, E>) {
  const table = Object.entries(operations) as [Id, E][];
  return (
    method: string,
    path: string,
  ): { operationId: Id; endpoint: E; params: Record<string, string> } | undefined => {
    const upper = method.toUpperCase();
    for (const [operationId, endpoint] of table) {
      if (endpoint.method !== upper) continue;
      const params = matchTemplate(endpoint.path, path);
      if (params) return { operationId, endpoint, params };
    }
    return undefined;
  };
}

/** The Doc Gen operation a method and path name, or undefined for one the spec does not have. */
export const routeOf: (method: string, path: string) => Route | undefined = router(endpoints);

/** The operation outside Doc Gen (sign-in, downloads) a method and path name, or undefined. */
export const helperRouteOf = router(helperEndpoints);
