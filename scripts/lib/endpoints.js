// The operation table: every operation of the bundled spec, with what the SDK calls it (its
// `x-box-docgen` extension) and the request rules the client checks before sending. It is
// rendered as packages/types/endpoints.js (data) and endpoints.d.ts (the same data as literal
// types, plus the resource map and the positional path arguments the client's types read).
//
// Two kinds of operation: a Doc Gen resource method (`x-box-docgen: { resource, method }`),
// which becomes `docgen.<resource>.<method>` and must take box-version and JSON; and an
// operation outside Doc Gen (`x-box-docgen: { entry, method }`: sign-in, downloads) that the
// helpers of one client entry point send. Those go in a table of their own, `helperEndpoints`,
// so the resources never see them and a bundle that does not import them leaves them out.

import { TYPES } from '../../packages/types/check.js';

const VERBS = ['get', 'put', 'post', 'delete', 'patch'];
const CHECKED_TYPES = Object.keys(TYPES);
/** Methods the client adds itself; an operation may not take their names. */
const OURS = { wait: 'the polling helper of batches and jobs' };

/** Thrown with every problem found, so one run lists them all. */
export class TableError extends Error {}

const camel = (name) => name.replace(/_(\w)/g, (_, c) => c.toUpperCase());

/** Follows local $refs (`#/components/...`) of the bundled document. */
function resolver(spec) {
  const resolve = (node) => {
    while (node && typeof node.$ref === 'string') {
      node = node.$ref
        .slice(2)
        .split('/')
        .reduce((at, key) => at?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], spec);
    }
    return node;
  };
  return resolve;
}

/** Keywords packages/types/check.js enforces; the others below say nothing it could check. */
const CHECKED = ['type', 'enum', 'const', 'minimum', 'maximum', 'minItems', 'required', 'properties', 'items', 'allOf'];
const IGNORED = [
  '$ref',
  'description',
  'examples',
  'example',
  'format',
  'title',
  'additionalProperties',
  'nullable',
  'deprecated',
];

/**
 * The part of a JSON schema the client enforces: type, enum, bounds, required properties and
 * items. Descriptions, examples and formats stay out, so the table stays small; a keyword the
 * checker does not know is a problem, so no rule of the spec goes silently unchecked.
 */
function ruleOf(schema, resolve, where, problems) {
  const s = resolve(schema);
  for (const key of Object.keys(s)) {
    if (!CHECKED.includes(key) && !IGNORED.includes(key))
      problems.push(
        `${where}: packages/types/check.js cannot check \`${key}\`; teach it, or leave the keyword out of request schemas`,
      );
  }
  const parts = (s.allOf ?? []).map((part) => ruleOf(part, resolve, where, problems));
  const rule = Object.assign({}, ...parts);
  if (parts.some((part) => part.properties))
    rule.properties = Object.assign({}, ...parts.map((part) => part.properties));
  for (const type of [s.type ?? []].flat()) {
    if (!CHECKED_TYPES.includes(type))
      problems.push(
        `${where}: packages/types/check.js cannot check the type \`${type}\`; teach it (TYPES), or use another type`,
      );
  }
  // An enum says the type already.
  if (s.type && !s.enum && s.const === undefined) rule.type = s.type;
  if (s.enum) rule.enum = s.enum;
  if (s.const !== undefined) rule.enum = [s.const];
  for (const bound of ['minimum', 'maximum', 'minItems']) if (s[bound] !== undefined) rule[bound] = s[bound];
  if (s.required?.length) rule.required = [...new Set([...(rule.required ?? []), ...s.required])];
  if (s.properties) {
    const own = Object.entries(s.properties).map(([key, value]) => [
      key,
      ruleOf(value, resolve, `${where}.${key}`, problems),
    ]);
    rule.properties = { ...rule.properties, ...Object.fromEntries(own) };
  }
  if (s.items) rule.items = ruleOf(s.items, resolve, `${where}[]`, problems);
  return rule;
}

/** The table, keyed by operationId, in the spec's order; throws a TableError listing every problem. */
export function endpointTable(spec) {
  return splitTable(spec).resources;
}

/** True when the operation's parameters include the box-version header. */
const takesVersion = (params) => params.some((p) => p.in === 'header' && p.name === 'box-version');

/**
 * Both tables: `resources` (Doc Gen, keyed by operationId) and `helpers` (outside Doc Gen);
 * throws a TableError listing every problem of either.
 */
export function splitTable(spec) {
  const resolve = resolver(spec);
  const helpers = {};
  const problems = [];
  const table = {};
  const names = new Map();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const verb of VERBS) {
      const op = item[verb];
      if (!op) continue;
      const method = verb.toUpperCase();
      const where = `${method} ${path}`;
      const id = op.operationId;
      if (!id) {
        problems.push(`${where} has no operationId: add one (lowerCamelCase verb + noun, such as getJob)`);
        continue;
      }
      const sdk = op['x-box-docgen'];
      if (!(sdk?.resource || sdk?.entry) || !sdk?.method || (sdk.resource && sdk.entry)) {
        problems.push(
          `${id} (${where}) does not say what the SDK calls it: add \`x-box-docgen: { resource: <resource>, method: <method> }\` to it under openapi/paths/ (or, for an operation outside Doc Gen, \`{ entry: <client entry>, method: <method> }\`)`,
        );
        continue;
      }
      const helper = !!sdk.entry;
      const name = helper ? `@box-docgen/client/${sdk.entry} ${sdk.method}` : `${sdk.resource}.${sdk.method}`;
      if (names.has(name))
        problems.push(`${id} and ${names.get(name)} are both ${name}: give one of them another x-box-docgen method`);
      if (OURS[sdk.method])
        problems.push(
          `${id} is named ${name}, but \`${sdk.method}\` is ${OURS[sdk.method]}: choose another x-box-docgen method`,
        );
      names.set(name, id);

      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
      const versioned = takesVersion(params);
      // The resources send box-version to every operation (raw cannot tell them apart).
      if (!helper && !versioned)
        problems.push(
          `${id}: a Doc Gen operation must take the box-version header (a $ref to components/parameters/BoxVersion.yaml)`,
        );
      const server = op.servers?.[0]?.url;
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const p of pathParams) {
        if (!params.some((q) => q.in === 'path' && q.name === p))
          problems.push(`${id}: the path parameter {${p}} is not declared in its parameters`);
      }
      const queryParams = params.filter((p) => p.in === 'query');
      for (const p of queryParams) {
        const type = resolve(p.schema ?? {}).type;
        if (!['string', 'integer', 'number', 'boolean'].includes(type))
          problems.push(
            `${id}: the query parameter ${p.name} is not a string, number or boolean; the client encodes only those`,
          );
      }
      const query = queryParams.length
        ? {
            type: 'object',
            ...(queryParams.some((p) => p.required) && {
              required: queryParams.filter((p) => p.required).map((p) => p.name),
            }),
            properties: Object.fromEntries(
              queryParams.map((p) => [p.name, ruleOf(p.schema ?? {}, resolve, `${id} query ${p.name}`, problems)]),
            ),
          }
        : null;

      let body = null;
      const requestBody = resolve(op.requestBody);
      if (requestBody) {
        const types = Object.keys(requestBody.content ?? {});
        // Helpers may send a form (the token endpoint takes one); the resources send JSON only.
        const sendable = helper ? /json|x-www-form-urlencoded/ : /json/;
        if (types.length !== 1 || !sendable.test(types[0]))
          problems.push(
            `${id}: the client sends one ${helper ? 'JSON or form' : 'JSON'} body; this request body has ${types.join(', ') || 'no content'}`,
          );
        else
          body = {
            mediaType: types[0],
            required: !!requestBody.required,
            schema: ruleOf(requestBody.content[types[0]].schema ?? {}, resolve, `${id} body`, problems),
          };
      }

      const success = Object.keys(op.responses ?? {})
        .filter((s) => /^2\d\d$/.test(s))
        .map(Number)
        .sort((a, b) => a - b);
      if (!success.length) problems.push(`${id}: no 2xx response, so the client cannot tell success`);
      for (const status of success) {
        const content = resolve(op.responses[status]).content ?? {};
        // A helper reads its answer itself (a download streams bytes).
        if (!helper && Object.keys(content).some((type) => !/json/.test(type)))
          problems.push(`${id}: the ${status} answer is not JSON; the client reads JSON bodies only`);
      }
      const answer = resolve(resolve(op.responses?.[success[0]])?.content?.['application/json']?.schema);
      const answers = answer ? [answer, ...(answer.allOf ?? []).map(resolve)] : [];
      const paged = !!(
        query?.properties.marker &&
        query.properties.limit &&
        answers.some((a) => a.properties?.entries)
      );

      // Parts an operation lacks are left out rather than null, which keeps the table short.
      const entry = {
        method,
        path,
        pathParams,
        ...(query && { query }),
        ...(body && { body }),
        success,
        ...(paged && { paged }),
      };
      if (helper)
        helpers[id] = {
          entry: sdk.entry,
          name: sdk.method,
          ...entry,
          ...(versioned && { versioned }),
          ...(server && { server }),
        };
      else table[id] = { resource: sdk.resource, name: sdk.method, ...entry };
      if (!helper && server)
        problems.push(
          `${id}: a Doc Gen operation is served from the spec's server; only operations outside Doc Gen (x-box-docgen.entry) may name their own`,
        );
    }
  }
  if (problems.length) throw new TableError(`the spec's operation table cannot be built:\n  ${problems.join('\n  ')}`);
  return { resources: table, helpers };
}

/** The constants the client sends that the spec fixes: the version header and the server. */
export function specConstants(spec) {
  const version = spec.components?.parameters?.BoxVersion?.schema?.enum;
  const server = spec.servers?.[0]?.url;
  if (version?.length !== 1 || !server)
    throw new TableError('the spec must fix one box-version value (components.parameters.BoxVersion) and a server URL');
  return { BOX_VERSION: version[0], BASE_URL: server };
}

const doc = (text) => `/** ${text.replace(/\*\//g, '*\\/')} */`;

/** endpoints.js: the table and the constants, as plain data. */
export function renderEndpointsJs(spec, header) {
  const { resources: table, helpers } = splitTable(spec);
  const { BOX_VERSION, BASE_URL } = specConstants(spec);
  return `${header}/* @ts-self-types="./endpoints.d.ts" */

/** The value of the \`box-version\` header every Doc Gen operation requires. */
export const BOX_VERSION = ${JSON.stringify(BOX_VERSION)};

/** The API's server, where every path below starts (unless the operation names its own \`server\`). */
export const BASE_URL = ${JSON.stringify(BASE_URL)};

/** Every Doc Gen operation, by operationId; see endpoints.d.ts for what each field holds. */
export const endpoints = ${JSON.stringify(table, null, 2)};

/** The operations outside Doc Gen that the helpers of a client entry point send, by operationId. */
export const helperEndpoints = ${JSON.stringify(helpers, null, 2)};
`;
}

/** endpoints.d.ts: the same data as literal types, the resources, and each path's arguments. */
export function renderEndpointsDts(spec, header) {
  const { resources: table, helpers } = splitTable(spec);
  const { BOX_VERSION, BASE_URL } = specConstants(spec);
  const ops = Object.entries(table);
  const byResource = new Map();
  for (const op of ops) byResource.set(op[1].resource, [...(byResource.get(op[1].resource) ?? []), op]);
  const summary = (id) => {
    const { path, method } = table[id];
    const op = spec.paths[path][method.toLowerCase()];
    return `${op.summary}. \`${method} ${path}\`${op.description ? `\n     *\n     * ${op.description.trim().replace(/\n+/g, ' ')}` : ''}`;
  };
  const resources = [...byResource]
    .map(
      ([resource, entries]) =>
        `  ${resource}: {\n${entries.map(([id, ep]) => `    /**\n     * ${summary(id)}\n     */\n    ${ep.name}: ${JSON.stringify(id)};`).join('\n')}\n  };`,
    )
    .join('\n');
  const pathArgs = [...ops, ...Object.entries(helpers)]
    .map(
      ([id, ep]) =>
        `  ${id}: [${ep.pathParams.map((p) => `${camel(p)}: operations[${JSON.stringify(id)}]['parameters']['path'][${JSON.stringify(p)}]`).join(', ')}];`,
    )
    .join('\n');
  return `${header}import type { operations } from './openapi.js';

${doc('The value of the `box-version` header every Doc Gen operation requires.')}
export declare const BOX_VERSION: ${JSON.stringify(BOX_VERSION)};

${doc("The API's server, where every path below starts (unless the operation names its own `server`).")}
export declare const BASE_URL: ${JSON.stringify(BASE_URL)};

/**
 * The part of a JSON schema that requests are checked against before they are sent: types,
 * enums, bounds, required properties and array items (see @box-docgen/types/check).
 */
export interface Rule {
  type?: string | readonly string[];
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  required?: readonly string[];
  properties?: { readonly [name: string]: Rule };
  items?: Rule;
}

/**
 * One Doc Gen operation of the spec. Every one takes the \`box-version\` header (the generator
 * refuses one that does not) and is served from \`BASE_URL\`.
 */
export interface Endpoint {
  /** The SDK resource (\`docgen.<resource>\`) and method name, from the operation's \`x-box-docgen\`. */
  resource: string;
  name: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** The path template, \`{name}\` for each path parameter. */
  path: string;
  /** The path parameters, in the order the path has them. */
  pathParams: readonly string[];
  /** The query parameters as one object rule; absent when there are none. */
  query?: Rule;
  /** The JSON request body; absent when the operation takes none. */
  body?: { mediaType: string; required: boolean; schema: Rule };
  /** The 2xx statuses, lowest first; the first is the answer the SDK returns. */
  success: readonly number[];
  /** Present (true) when the operation pages with \`marker\` and \`limit\` and answers \`entries\`. */
  paged?: true;
}

/**
 * One operation outside Doc Gen (sign-in, downloads), sent by the helpers of one client entry
 * point rather than by a resource.
 */
export interface HelperEndpoint extends Omit<Endpoint, 'resource' | 'body'> {
  /** The client entry point whose helpers send it: \`@box-docgen/client/<entry>\`. */
  entry: string;
  /** The request body, JSON or a form (\`application/x-www-form-urlencoded\`). */
  body?: { mediaType: string; required: boolean; schema: Rule };
  /** Present (true) when the operation takes the \`box-version\` header. */
  versioned?: true;
  /** The operation's own server, when it is not \`BASE_URL\`. */
  server?: string;
}

/** Every Doc Gen operation, by operationId. */
export declare const endpoints: ${JSON.stringify(table, null, 2)};

/** The operations outside Doc Gen, by operationId. */
export declare const helperEndpoints: ${JSON.stringify(helpers, null, 2)};

/** One operationId of a Doc Gen operation (a resource method). */
export type OperationId = keyof typeof endpoints;

/** One operationId of an operation outside Doc Gen. */
export type HelperOperationId = keyof typeof helperEndpoints;

/** The SDK's resources and methods, each naming the operation it sends. */
export interface Resources {
${resources}
}

/** The positional arguments of each operation: its path parameters, in path order. */
export interface PathArgs {
${pathArgs}
}
`;
}
