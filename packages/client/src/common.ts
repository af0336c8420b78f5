// What both entries export besides createDocGenClient: the error classes, the defaults and the types.
export { DEFAULT_BASE_URL } from './resources.js';
export type {
  DocGenClientOptions,
  DocGenLiteClient,
  ListBatchJobsQuery,
  ListJobsQuery,
  ListTemplateJobsQuery,
  ListTemplateTagsQuery,
  ListTemplatesQuery,
} from './resources.js';
export {
  DocGenApiError,
  DocGenConnectionError,
  DocGenError,
  DocGenTimeoutError,
  DocGenValidationError,
  DocGenWaitTimeoutError,
} from './errors.js';
export type { FailedRequest } from './errors.js';
export type { Page, PagePromise } from './pages.js';
export type { Pacer, PacerOptions } from './pacing.js';
export type { Answer, BatchRequest, DocGenResources, Item, Method, Query, UserInput, WaitFor } from './signatures.js';
export { RETRY_DEFAULTS } from './retry.js';
export type { RetryTuning } from './retry.js';
export { BOX_VERSION, TRANSPORT_DEFAULTS } from './transport.js';
export type { CallOptions, Logger, TokenSource } from './transport.js';
export { FINISHED_STATUSES, WAIT_DEFAULTS } from './wait.js';
export type { WaitOptions, WaitProgress } from './wait.js';
export type * from '@box-docgen/types';
export { endpoints } from '@box-docgen/types/endpoints';
export type { Endpoint, OperationId, Rule } from '@box-docgen/types/endpoints';
/** A format a batch can generate, as the spec allows it in a request. */
export type OutputType = import('@box-docgen/types').DocGenBatchCreateRequest['output_type'];
