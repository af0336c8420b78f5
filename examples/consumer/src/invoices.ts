// The app: turn invoices into documents with one Doc Gen batch, wait for it, and sort the
// outcome into what was generated, what was generated with problems, and what failed.
import type { DocGenClient, DocGenJob, WaitProgress } from '@box-docgen/client';

export interface InvoiceLine {
  description: string;
  quantity: number;
  unitPrice: number;
}

export interface Invoice {
  number: string;
  customer: string;
  currency: string;
  lines: InvoiceLine[];
}

export interface SendInvoicesOptions {
  /** The Box file that is the invoice template. */
  templateFileId: string;
  /** Where the generated invoices go. */
  folderId: string;
  outputType?: 'pdf' | 'docx';
  onProgress?: (progress: WaitProgress) => void;
  pollIntervalMs?: number;
  timeoutMs?: number;
}

export interface InvoiceRun {
  batchId: string | undefined;
  generated: { jobId: string; fileId: string }[];
  withErrors: { jobId: string; fileId: string | undefined; errors: string[] }[];
  failed: { jobId: string; errors: string[] }[];
}

/** Cents, so that 3 × 0.1 is 0.3. */
const money = (amount: number) => Math.round(amount * 100) / 100;

/** The data one invoice template reads: {{invoice.number}}, {{invoice.customer.name}}, the lines, the total. */
export function invoiceData(invoice: Invoice) {
  const lines = invoice.lines.map((line) => ({ ...line, amount: money(line.quantity * line.unitPrice) }));
  return {
    invoice: {
      number: invoice.number,
      customer: { name: invoice.customer },
      currency: invoice.currency,
      lines,
      total: money(lines.reduce((sum, line) => sum + line.amount, 0)),
    },
  };
}

export async function sendInvoices(
  docgen: DocGenClient,
  invoices: Invoice[],
  options: SendInvoicesOptions,
): Promise<InvoiceRun> {
  const run: InvoiceRun = { batchId: undefined, generated: [], withErrors: [], failed: [] };
  if (invoices.length === 0) return run;

  const batch = await docgen.batches.create({
    file: { id: options.templateFileId, type: 'file' },
    input_source: 'api',
    destination_folder: { id: options.folderId, type: 'folder' },
    output_type: options.outputType ?? 'pdf',
    document_generation_data: invoices.map((invoice) => ({
      generated_file_name: `Invoice ${invoice.number} - ${invoice.customer}`,
      user_input: invoiceData(invoice),
    })),
  });
  run.batchId = batch.id;

  const jobs: DocGenJob[] = await docgen.batches.wait(batch.id, {
    // One job per invoice: a batch listing fewer is still being filled in.
    expectedJobs: invoices.length,
    intervalMs: options.pollIntervalMs ?? 1_000,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
  for (const job of jobs) {
    const errors = job.failures?.errors ?? [];
    if (job.status === 'completed' && job.output_file)
      run.generated.push({ jobId: job.id, fileId: job.output_file.id });
    else if (job.status === 'completed_with_error')
      run.withErrors.push({ jobId: job.id, fileId: job.output_file?.id, errors });
    else run.failed.push({ jobId: job.id, errors });
  }
  return run;
}
