// For the size report only: openapi-fetch on its own (createClient plus a GET and a POST), to
// show how much of the budget the client's one dependency takes.
import createClient from 'openapi-fetch';

const api = createClient({ baseUrl: 'https://api.box.com/2.0' });
export const get = (id: string) =>
  api.GET('/docgen_jobs/{job_id}' as never, { params: { path: { job_id: id } } } as never);
export const post = (body: unknown) => api.POST('/docgen_batches' as never, { body } as never);
