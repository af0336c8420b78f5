// The size budget's app: what a browser app needs to create a batch, wait for it and list jobs.
// scripts/size.js bundles and minifies it with esbuild (browser, ESM) and gzips the result, as
// written (the lite entry, which browser apps are told to use) and on the main entry.
import { createDocGenClient, DocGenApiError } from '@box-docgen/client/lite';

const docgen = createDocGenClient({
  token: async () => (await fetch('/api/box-token')).text(),
});

const out = document.querySelector('#out')!;
const say = (line: string) => out.append(`${line}\n`);

document.querySelector('form')!.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(event.target as HTMLFormElement);
  try {
    const batch = await docgen.batches.create({
      file: { id: String(data.get('template')), type: 'file' },
      input_source: 'api',
      destination_folder: { id: String(data.get('folder')), type: 'folder' },
      output_type: 'pdf',
      document_generation_data: [
        { generated_file_name: String(data.get('name')), user_input: JSON.parse(String(data.get('data'))) },
      ],
    });
    const jobs = await docgen.batches.wait(batch.id, { onProgress: (p) => say(`${p.finished}/${p.total}`) });
    for (const job of jobs) say(`${job.id} ${job.status} ${job.output_file?.id ?? ''}`);
    for await (const job of docgen.jobs.list({ limit: 100 })) say(`${job.id} ${job.status}`);
  } catch (error) {
    say(error instanceof DocGenApiError ? `${error.status} ${error.code}: ${error.message}` : String(error));
  }
});
