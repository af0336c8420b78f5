// The size-app (test/packaging/size-app.ts) written on box-node-sdk 10: the same browser app
// (create a batch, wait for its jobs, list every job). The SDK has no waiting or list iteration
// for Doc Gen, so those are loops by hand; it takes a token, not a token function, so the app
// fetches one first. Two entries use it: box-node-sdk-app.ts (BoxClient, as Box documents it)
// and box-node-sdk-docgen-app.ts (only the Doc Gen manager, the smallest it can be).
import { BoxApiError } from 'box-node-sdk/box';
import type { DocgenManager } from 'box-node-sdk/managers/docgen';
import type { DocGenJobV2025R0 } from 'box-node-sdk/schemas/v2025R0/docGenJobV2025R0';

const FINISHED = ['completed', 'failed', 'completed_with_error'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const out = document.querySelector('#out')!;
const say = (line: string) => out.append(`${line}\n`);

/** Wires the form to a DocgenManager made from a fetched token. */
export function app(
  docgenFor: (
    token: string,
  ) => Pick<DocgenManager, 'createDocgenBatchV2025R0' | 'getDocgenBatchJobByIdV2025R0' | 'getDocgenJobsV2025R0'>,
) {
  document.querySelector('form')!.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    try {
      const token = await (await fetch('/api/box-token')).text();
      const docgen = docgenFor(token);
      const batch = await docgen.createDocgenBatchV2025R0({
        file: { id: String(data.get('template')), type: 'file' },
        inputSource: 'api',
        destinationFolder: { id: String(data.get('folder')), type: 'folder' },
        outputType: 'pdf',
        documentGenerationData: [
          { generatedFileName: String(data.get('name')), userInput: JSON.parse(String(data.get('data'))) },
        ],
      });
      let jobs: DocGenJobV2025R0[];
      for (let interval = 1000; ; interval = Math.min(15_000, interval * 1.5)) {
        jobs = [];
        let marker: string | undefined;
        do {
          const page = await docgen.getDocgenBatchJobByIdV2025R0(batch.id, { queryParams: { limit: 1000, marker } });
          jobs.push(...(page.entries ?? []));
          marker = page.nextMarker ?? undefined;
        } while (marker);
        const finished = jobs.filter((job) => FINISHED.includes(job.status)).length;
        say(`${finished}/${jobs.length}`);
        if (jobs.length && finished === jobs.length) break;
        await sleep(interval);
      }
      for (const job of jobs) say(`${job.id} ${job.status} ${job.outputFile?.id ?? ''}`);
      let marker: string | undefined;
      do {
        const page = await docgen.getDocgenJobsV2025R0({ limit: 100, marker });
        for (const job of page.entries ?? []) say(`${job.id} ${job.status}`);
        marker = page.nextMarker ?? undefined;
      } while (marker);
    } catch (error) {
      say(
        error instanceof BoxApiError
          ? `${error.responseInfo.statusCode} ${error.responseInfo.code}: ${error.message}`
          : String(error),
      );
    }
  });
}
