// The size-app (test/packaging/size-app.ts) written on plain openapi-fetch: the same browser app
// (create a batch, wait for its jobs, list every job) with what the client does for it done by
// hand: auth and box-version headers, polling with a growing interval, marker loops, errors.
// Bundled by bench/lib/size.js exactly like the size-app.
import type { DocGenJob, paths } from '@box-docgen/types';
import createClient from 'openapi-fetch';

const FINISHED = ['completed', 'failed', 'completed_with_error'];
const api = createClient<paths>({ baseUrl: 'https://api.box.com/2.0' });
api.use({
  async onRequest({ request }) {
    request.headers.set('authorization', `Bearer ${await (await fetch('/api/box-token')).text()}`);
    return request;
  },
});
const header = { 'box-version': '2025.0' as const };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
function ok<D>({ data, error, response }: { data?: D; error?: unknown; response: Response }): D {
  if (error !== undefined || data === undefined) {
    const body = (error ?? {}) as { code?: string; message?: string };
    throw new ApiError(response.status, body.code, body.message ?? response.statusText);
  }
  return data;
}

const out = document.querySelector('#out')!;
const say = (line: string) => out.append(`${line}\n`);

document.querySelector('form')!.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(event.target as HTMLFormElement);
  try {
    const batch = ok(
      await api.POST('/docgen_batches', {
        params: { header },
        body: {
          file: { id: String(data.get('template')), type: 'file' },
          input_source: 'api',
          destination_folder: { id: String(data.get('folder')), type: 'folder' },
          output_type: 'pdf',
          document_generation_data: [
            { generated_file_name: String(data.get('name')), user_input: JSON.parse(String(data.get('data'))) },
          ],
        },
      }),
    );
    // Wait: poll the batch's job list, every page, until every job has finished.
    let jobs: DocGenJob[];
    for (let interval = 1000; ; interval = Math.min(15_000, interval * 1.5)) {
      jobs = [];
      let marker: string | undefined;
      do {
        const page = ok(
          await api.GET('/docgen_batch_jobs/{batch_id}', {
            params: { header, path: { batch_id: batch.id }, query: { limit: 1000, marker } },
          }),
        );
        jobs.push(...(page.entries ?? []));
        marker = page.next_marker ?? undefined;
      } while (marker);
      const finished = jobs.filter((job) => FINISHED.includes(job.status)).length;
      say(`${finished}/${jobs.length}`);
      if (jobs.length && finished === jobs.length) break;
      await sleep(interval);
    }
    for (const job of jobs) say(`${job.id} ${job.status} ${job.output_file?.id ?? ''}`);
    let marker: string | undefined;
    do {
      const page = ok(await api.GET('/docgen_jobs', { params: { header, query: { limit: 100, marker } } }));
      for (const job of page.entries ?? []) say(`${job.id} ${job.status}`);
      marker = page.next_marker ?? undefined;
    } while (marker);
  } catch (error) {
    say(error instanceof ApiError ? `${error.status} ${error.code}: ${error.message}` : String(error));
  }
});
