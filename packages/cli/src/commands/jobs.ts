// `box-docgen jobs list|get`: thin wrappers over the client, with --json.
import type { DocGenClient, DocGenJob } from '@box-docgen/client';
import { didYouMean, int, noPositionals, positionalId, str, type OptionTable } from '../args.js';
import { parseFor, type Command } from '../command.js';
import { connect } from '../connect.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { lister, printJson, type Out } from './output.js';

const SUBCOMMANDS = ['list', 'get'];

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'list Doc Gen jobs (all, of a template or of a batch), or show one',
  forms: ['list', 'get <job_id>'],
  options: [
    { name: 'template', value: 'ID', help: 'jobs list: the jobs of this template' },
    { name: 'batch', value: 'ID', help: 'jobs list: the jobs of this batch' },
    { name: 'max', value: 'N', help: 'jobs list: stop after N jobs' },
  ] satisfies OptionTable,
  about: 'jobs get exits 1 when the job failed or completed with errors.',
  async run(args: string[], io: Io): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('jobs needs a command: jobs list or jobs get <job_id>');
    if (!SUBCOMMANDS.includes(sub))
      throw new UsageError(`unknown command "jobs ${sub}": use jobs list or jobs get${didYouMean(sub, SUBCOMMANDS)}`);
    const { values: v, positionals } = parseFor(jobsCommand, rest);
    const json = v.json === true;
    if (sub === 'get') {
      const jobId = positionalId(positionals, 'job_id');
      return jobsGet((await connect(v, io)).docgen, io.stdout, jobId, json);
    }
    noPositionals(positionals, 'jobs list');
    const o = {
      template: str(v, 'template'),
      batch: str(v, 'batch'),
      max: int(v, 'max', 1, Number.MAX_SAFE_INTEGER),
      json,
    };
    return jobsList((await connect(v, io)).docgen, io.stdout, o);
  },
};

export interface JobsListOptions {
  template?: string;
  batch?: string;
  /** Stop after this many jobs. */
  max?: number;
  json: boolean;
}

const columns = [
  { title: 'job', width: 12, value: (job: DocGenJob) => job.id },
  { title: 'status', width: 20, value: (job: DocGenJob) => job.status },
  { title: 'batch', width: 12, value: (job: DocGenJob) => job.batch?.id ?? '' },
  { title: 'type', width: 5, value: (job: DocGenJob) => job.output_type ?? '' },
  { title: 'output file', width: 12, value: (job: DocGenJob) => job.output_file?.id ?? '-' },
  { title: 'errors', width: 0, value: (job: DocGenJob) => (job.failures?.errors ?? []).join(' | ') },
];

export async function jobsList(
  docgen: DocGenClient,
  out: Out,
  o: JobsListOptions,
  signal?: AbortSignal,
): Promise<number> {
  if (o.template !== undefined && o.batch !== undefined)
    throw new UsageError('jobs list: give --template or --batch, not both');
  const items: AsyncIterable<DocGenJob> =
    o.batch !== undefined
      ? docgen.batches.listJobs(o.batch, undefined, { signal })
      : o.template !== undefined
        ? docgen.templates.listJobs(o.template, undefined, { signal })
        : docgen.jobs.list(undefined, { signal });
  const list = lister(out, o.json, columns);
  for await (const job of items) {
    list.item(job);
    if (o.max !== undefined && list.count() >= o.max) break;
  }
  list.end();
  return 0;
}

export async function jobsGet(
  docgen: DocGenClient,
  out: Out,
  jobId: string,
  json: boolean,
  signal?: AbortSignal,
): Promise<number> {
  const job = await docgen.jobs.get(jobId, { signal });
  if (json) printJson(out, job);
  else {
    const lines = [
      ['job', job.id],
      ['status', job.status],
      ['batch', job.batch?.id ?? ''],
      [
        'template file',
        `${job.template_file?.id ?? ''}${job.template_file_version ? ` (version ${job.template_file_version.id})` : ''}`,
      ],
      ['output type', job.output_type ?? ''],
      [
        'output file',
        job.output_file
          ? `${job.output_file.id}${job.output_file_version ? ` (version ${job.output_file_version.id})` : ''}`
          : '-',
      ],
      ...(job.failures?.errors ?? []).map((e) => ['error', e]),
      ...(job.failures?.warnings ?? []).map((w) => ['warning', w]),
    ];
    for (const [key, value] of lines) out.write(`${`${key}:`.padEnd(15)}${value}\n`);
  }
  return job.status === 'failed' || job.status === 'completed_with_error' ? 1 : 0;
}
