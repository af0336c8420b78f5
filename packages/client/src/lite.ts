// @box-docgen/client/lite: the same client without `raw`, so a bundle leaves out openapi-fetch's
// request builder (about 2 KiB gzipped). Everything else, including the exports, is the same.
import { createResources, type DocGenClientOptions, type DocGenLiteClient } from './resources.js';

export function createDocGenClient(options: DocGenClientOptions): DocGenLiteClient {
  return createResources(options).client;
}

export * from './common.js';
