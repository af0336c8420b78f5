// Jobs that progress: the first polls of a batch (or of one job) read `pending`, later ones
// read finished, so batches.wait and jobs.wait really poll. In the stateful mode it only sets
// how many reads the state's jobs take to finish.
import { countOption, defineScenario } from './types.js';

const BATCH_JOBS = '/docgen_batch_jobs/{batch_id}';
const JOB = '/docgen_jobs/{job_id}';

/** The finished batch: the spec's `progress_done` example when it has one, else `mixed`. */
const DONE_BATCH_EXAMPLES = ['progress_done', 'mixed', 'completed'];

export default defineScenario({
  name: 'jobs-progress',
  description:
    'Jobs progress: GET /docgen_batch_jobs/{batch_id} reads `pending` for the first polls of each batch, then finished ' +
    '(completed jobs and one completed_with_error with failures); GET /docgen_jobs/{job_id} likewise per job.',
  options: {
    polls: countOption(2, 'how many polls of each batch (and of each job) still read pending'),
  },
  // Stateful mode: the state's own jobs take this many reads to finish.
  state: ({ polls }) => ({ polls }),
  create({ polls }, context) {
    const names = context.exampleNames(BATCH_JOBS, 'get', 200);
    const doneBatch = DONE_BATCH_EXAMPLES.find((name) => names.includes(name)) ?? names[0] ?? 'completed';
    const doneEntries =
      (context.example(BATCH_JOBS, 'get', 200, doneBatch) as { entries?: { id?: string; status?: string }[] })
        ?.entries ?? [];
    const jobExamples = context.exampleNames(JOB, 'get', 200);
    /** A job of the finished batch keeps its status when read alone; any other job completes. */
    const doneJob = (id: string) => {
      const status = doneEntries.find((job) => job.id === id)?.status ?? 'completed';
      return jobExamples.includes(status) ? status : 'completed';
    };

    const polled = new Map<string, number>();
    const poll = (key: string) => {
      const n = (polled.get(key) ?? 0) + 1;
      polled.set(key, n);
      return n;
    };

    return (request) => {
      if (request.method !== 'GET') return undefined;
      const batch = request.match(BATCH_JOBS);
      if (batch) {
        const key = `batch ${batch['batch_id']}`;
        // A later page of the same round does not count as a new poll.
        const n = request.query['marker'] === undefined ? poll(key) : Math.max(1, polled.get(key) ?? 1);
        return { prefer: `example=${n <= polls ? 'pending' : doneBatch}` };
      }
      const job = request.match(JOB);
      if (job) {
        const id = job['job_id'] ?? '';
        return { prefer: `example=${poll(`job ${id}`) <= polls ? 'pending' : doneJob(id)}` };
      }
      return undefined;
    };
  },
});
