// The app: a form that marks a file as a Doc Gen template, sends one batch with a row per order,
// waits for its jobs and lists them. It only knows @box-docgen/client/lite; where the requests go
// (Box, or MSW in its tests) is not its business.
import { createDocGenClient, DocGenApiError } from '@box-docgen/client/lite';

export interface AppOptions {
  /** Where the client sends its requests; default Box's API. */
  baseUrl?: string;
}

function field(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement).value.trim();
}

function line(text: string): HTMLLIElement {
  return Object.assign(document.createElement('li'), { textContent: text });
}

export function mountApp(root: HTMLElement, options: AppOptions = {}): void {
  root.innerHTML = `
    <form>
      <label>Token <input name="token" type="password" required></label>
      <label>Template file id <input name="template" required></label>
      <label>Output folder id <input name="folder" required></label>
      <label>Orders (one per line) <textarea name="orders" required></textarea></label>
      <button type="submit">Generate</button>
    </form>
    <p role="status"></p>
    <ol class="jobs"></ol>`;
  const form = root.querySelector('form')!;
  const status = root.querySelector<HTMLElement>('[role=status]')!;
  const jobs = root.querySelector<HTMLElement>('.jobs')!;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    jobs.replaceChildren();
    void generate(form).catch((error: unknown) => {
      status.textContent =
        error instanceof DocGenApiError ? `Box answered ${error.status}: ${error.message}` : String(error);
      status.dataset['state'] = 'failed';
    });
  });

  async function generate(form: HTMLFormElement): Promise<void> {
    const docgen = createDocGenClient({
      token: field(form, 'token'),
      ...(options.baseUrl && { baseUrl: options.baseUrl }),
    });
    const file = { id: field(form, 'template'), type: 'file' as const };
    const orders = field(form, 'orders')
      .split('\n')
      .map((o) => o.trim())
      .filter(Boolean);
    status.dataset['state'] = 'working';
    status.textContent = 'Marking the template…';
    await docgen.templates.create({ file });
    status.textContent = `Sending ${orders.length} orders…`;
    const batch = await docgen.batches.create({
      file,
      input_source: 'api',
      destination_folder: { id: field(form, 'folder'), type: 'folder' },
      output_type: 'pdf',
      document_generation_data: orders.map((order) => ({
        generated_file_name: order,
        user_input: { order: { id: order } },
      })),
    });
    status.textContent = `Batch ${batch.id}: waiting…`;
    await docgen.batches.wait(batch.id, { expectedJobs: orders.length, intervalMs: 500 });
    const page = await docgen.jobs.list({ limit: 100 });
    for (const job of page.entries ?? [])
      if (job.batch.id === batch.id)
        jobs.append(line(`${job.id}: ${job.status}, file ${job.output_file?.id ?? 'none'}`));
    status.textContent = `Batch ${batch.id}: done`;
    status.dataset['state'] = 'done';
  }
}
