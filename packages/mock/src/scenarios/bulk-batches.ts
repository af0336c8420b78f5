// Bulk work, one job per row. In the stateful mode (the default) this is what the state does
// anyway, so the scenario only sets how its jobs progress and fail. In the static mode it runs a
// state of its own for POST /docgen_batches and GET /docgen_batch_jobs/{batch_id}, so those two
// answer per batch while everything else answers from the spec's examples; requests the state
// does not know (a batch it did not hand out) go on to Prism.
import { createDocGenState } from '../state.js';
import { routeOf } from '../route.js';
import { countOption, defineScenario } from './types.js';

const OWN = new Set(['createBatch', 'listBatchJobs']);

export default defineScenario({
  name: 'bulk-batches',
  description:
    'Each POST /docgen_batches gets a new batch id; GET /docgen_batch_jobs/{batch_id} lists one job per row sent, ' +
    'unfinished for the first polls reads, then completed (every failEvery-th row failed).',
  options: {
    polls: countOption(2, 'reads of each job that still answer it unfinished'),
    failEvery: countOption(0, 'every Nth row of the run fails (0: none)'),
    firstId: {
      type: 'number',
      default: 7100001,
      integer: true,
      min: 1,
      description: 'the first batch id handed out (static mode)',
    },
  },
  state: ({ polls, failEvery }) => ({ polls, failEvery }),
  create({ polls, failEvery, firstId }) {
    const state = createDocGenState({ polls, failEvery, firstId });
    return (request) => {
      const route = routeOf(request.method, request.path);
      if (!route || !OWN.has(route.operationId)) return undefined;
      const answer = state.handle(request);
      // Refusals of the request (400, 401) are Prism's to give, in its words; 404: not ours.
      // (Only a token request is answered with a promise, and it is not one of OWN.)
      if (!answer || answer instanceof Promise || answer.status >= 400) return undefined;
      return { status: answer.status, headers: answer.headers, body: answer.body };
    };
  },
});
