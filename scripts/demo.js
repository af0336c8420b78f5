// The SDK's main job on an embedded default: start the mock from the bundled spec, then
// mark a template, read its tags, generate three purchase orders and wait for them.
import { createDocGenClient } from '@box-docgen/client';
import { startMockServer } from '@box-docgen/mock';

// jobs-progress: the batch's jobs read pending for the first polls, then finish, as on Box.
const mock = await startMockServer({ scenario: 'jobs-progress' });
try {
  const docgen = createDocGenClient({ token: 'demo-token', baseUrl: mock.url });
  console.log(`mock Box Doc Gen API at ${mock.url}\n`);

  const template = await docgen.templates.create({ file: { id: '1200345', type: 'file' } });
  console.log(`marked file ${template.file?.id} as a template`);

  const tags = await docgen.templates.listTags('1200345');
  console.log(`its tags: ${tags.entries.map((tag) => `${tag.tag_content} (${tag.tag_type})`).join(', ')}`);

  const orders = [
    { id: 'PO-1001', vendor: 'Northwind Paper Co.', total: 4180.5 },
    { id: 'PO-1002', vendor: 'Contoso Office Supply', total: 912.0 },
    { id: 'PO-1003', vendor: 'Fabrikam Inks', total: 2260.75 },
  ];
  const batch = await docgen.batches.create({
    file: { id: '1200345', type: 'file' },
    input_source: 'api',
    destination_folder: { id: '9000100', type: 'folder' },
    output_type: 'pdf',
    document_generation_data: orders.map((order) => ({
      generated_file_name: `Purchase order ${order.id}`,
      user_input: { order: { id: order.id, vendor: { company: order.vendor }, amount: order.total, currency: 'USD' } },
    })),
  });
  console.log(`\nbatch ${batch.id} submitted with ${orders.length} purchase orders; waiting…`);

  const jobs = await docgen.batches.wait(batch.id, {
    intervalMs: 200,
    timeoutMs: 30_000,
    onProgress: (p) =>
      console.log(
        `  ${p.finished}/${p.total} finished (${p.completed} completed, ${p.completedWithError} with errors, ${p.failed} failed, ${p.pending} pending)`,
      ),
  });
  console.log('');
  console.table(
    jobs.map((job) => ({
      job: job.id,
      status: job.status,
      output_type: job.output_type,
      output_file: job.output_file?.id ?? '-',
    })),
  );
} finally {
  await mock.close();
}
