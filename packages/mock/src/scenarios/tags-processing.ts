// Tags still being extracted: the tags of a template answer 202 before they answer 200.
import { countOption, defineScenario } from './types.js';

const TAGS = '/docgen_templates/{template_id}/tags';

export default defineScenario({
  name: 'tags-processing',
  description:
    'GET /docgen_templates/{template_id}/tags answers 202 (the `processing` example) for the first requests of each ' +
    'template, then 200 with the tags.',
  options: {
    polls: countOption(1, 'how many 202 answers each template gets first'),
  },
  create({ polls }) {
    const asked = new Map<string, number>();
    return (request) => {
      const tags = request.method === 'GET' ? request.match(TAGS) : undefined;
      if (!tags) return undefined;
      const id = tags['template_id'] ?? '';
      const n = (asked.get(id) ?? 0) + 1;
      asked.set(id, n);
      return n <= polls ? { prefer: 'code=202, example=processing' } : undefined;
    };
  },
});
