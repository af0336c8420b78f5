// Each method's signature, read from the generated operation table and the generated
// `operations`: arguments from the path parameters, request body and query, the result from the
// first success answer. Nothing here names a path, a method or a field, so a spec change
// reaches the signatures with `npm run generate`, and code that no longer fits stops compiling.
import type { operations } from '@box-docgen/types';
import type { endpoints, OperationId, PathArgs, Resources } from '@box-docgen/types/endpoints';
import type { PagePromise } from './pages.js';
import type { CallOptions } from './transport.js';
import type { WaitOptions } from './wait.js';

type Table = typeof endpoints;
type Op<O extends OperationId> = operations[O];
/** False for a part the operation does not have (openapi-typescript writes `?: never`). */
type Has<T> = [NonNullable<T>] extends [never] ? false : true;
// biome-ignore lint/suspicious/noConfusingVoidType: an answer without content (204) is void to the caller.
type Content<T> = T extends { content: infer C } ? C[keyof C] : void;
type At<T, K> = K extends keyof T ? T[K] : never;

/** What the operation answers with its first success status; void when that answer has no body. */
export type Answer<O extends OperationId> = Content<At<Op<O>['responses'], Table[O]['success'][0]>>;

/** One entry of a paged answer. */
export type Item<O extends OperationId> = Answer<O> extends { entries?: (infer T)[] } ? T : never;

/** The request body argument: required or optional as the spec says, absent when there is none. */
type BodyArg<O extends OperationId> =
  Has<Op<O>['requestBody']> extends false
    ? []
    : undefined extends Op<O>['requestBody']
      ? [body?: Content<NonNullable<Op<O>['requestBody']>>]
      : [body: Content<Op<O>['requestBody']>];

/** The query argument: optional unless one of its parameters is required. */
type QueryArg<O extends OperationId> =
  Has<Op<O>['parameters']['query']> extends false
    ? []
    : undefined extends Op<O>['parameters']['query']
      ? [query?: NonNullable<Op<O>['parameters']['query']>]
      : [query: Op<O>['parameters']['query']];

/** A method of the table: path ids, then the body, the query and the call's options. */
export type Method<O extends OperationId> = (
  ...args: [...PathArgs[O], ...BodyArg<O>, ...QueryArg<O>, o?: CallOptions]
) => Table[O] extends { paged: true } ? PagePromise<Item<O>> : Promise<Answer<O>>;

/** `wait` on a resource: the operation it polls, called until every job it reports has finished. */
export type WaitFor<O extends OperationId> = Table[O] extends { paged: true }
  ? (...args: [...PathArgs[O], w?: WaitOptions]) => Promise<Item<O>[]>
  : (...args: [...PathArgs[O], w?: Omit<WaitOptions, 'expectedJobs'>]) => Promise<Answer<O>>;

/** Every resource of the spec with its methods, named by each operation's `x-box-docgen`. */
export type DocGenResources = {
  [R in keyof Resources]: { [M in keyof Resources[R]]: Method<Extract<Resources[R][M], OperationId>> };
};

/** The query object a method takes. */
export type Query<O extends OperationId> = NonNullable<Op<O>['parameters']['query']>;

/** `T` with field `K` (checked: a field the spec renamed stops compiling here) of type `V`. */
type Swap<T, K extends keyof T, V> = Omit<T, K> & { [P in K]: V };
type BatchBody = Content<Op<'createBatch'>['requestBody']>;
type BatchRow = BatchBody extends { document_generation_data: (infer R)[] } ? R : never;
/** What a row's user_input is in the spec (any JSON object). */
export type UserInput = BatchRow extends { user_input: infer U } ? U : never;

/**
 * The batch request with every row's `user_input` of type `Input`: `docgen.batches.create<Input>()`
 * (`box-docgen types --template ID` writes an Input from a template's tags).
 */
export type BatchRequest<Input = UserInput> = Swap<
  BatchBody,
  'document_generation_data',
  Swap<BatchRow, 'user_input', Input>[]
>;
