// @box-docgen/client: the client with `raw`, the openapi-fetch client over the same transport.
export { createDocGenClient } from './client.js';
export type { DocGenClient } from './client.js';
export * from './common.js';
