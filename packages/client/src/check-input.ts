// @box-docgen/client/check-input: does one `user_input` fit a template? A template's tags
// (templates.listTags) say which paths of the input each tag reads (`json_paths`) and what it does
// there (`tag_type`); Box fills a tag whose path is missing with a blank and says nothing, so this
// is checked before sending. Its own entry: browser bundles of the client do not grow.
import type { DocGenTag } from '@box-docgen/types';

/** What a tag needs at the last path it reads. Keyed by the spec's tag types: a new one does not compile until it is placed. */
export const TAG_NEEDS: Record<DocGenTag['tag_type'], 'value' | 'number' | 'list' | 'optional'> = {
  text: 'value',
  image: 'value',
  arithmetic: 'number',
  // A condition may test for absence, so a missing value is not an error.
  conditional: 'optional',
  'for-loop': 'list',
  'table-loop': 'list',
};

export interface InputProblem {
  /** Where in the input, with the index of the list item: `order.products[2].name`. */
  path: string;
  /** `missing`: nothing there; `shape`: something of the wrong kind. */
  kind: 'missing' | 'shape';
  /** What the template needs there: a list, an object on the way, a plain value, or a number. */
  expected: 'array' | 'object' | 'value' | 'number';
  /** The tag that reads it, as written in the template. */
  tag: string;
}

export interface InputCheck {
  ok: boolean;
  problems: InputProblem[];
  /** Leaf paths of the input no tag reads (list items as `[]`): often a misspelt or misplaced field. */
  unused: string[];
}

type Tag = Pick<DocGenTag, 'tag_content' | 'tag_type' | 'json_paths'>;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isValue = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
const isNumber = (v: unknown) =>
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
const fits = { array: Array.isArray, object: isObject, value: isValue, number: isNumber };

/**
 * Checks `input` against the tags: every path a tag reads must be there (paths through a list
 * are checked in every item), a loop's path must be a list, the paths on the way objects, and a
 * text or image value (a number for arithmetic) at the end.
 */
export function checkUserInput(tags: readonly Tag[], input: unknown): InputCheck {
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const read = new Set<string>();
  for (const tag of tags) {
    const paths = tag.json_paths ?? [];
    const need = TAG_NEEDS[tag.tag_type] ?? 'value';
    for (const path of paths) {
      read.add(path);
      // A path another of the tag's paths goes through is on the way (an object, or a list whose
      // items hold the rest); the others are the tag's ends, where its need applies.
      const end = !paths.some((other) => other.startsWith(`${path}.`));
      const want: Want = !end ? 'container' : need === 'list' ? 'array' : need === 'optional' ? undefined : need;
      walk(input, path.split('.'), 0, '', (at, value, last) => {
        const problem = judge(value, last ? want : 'container', need === 'optional');
        if (!problem) return true;
        const key = `${at} ${problem.kind}`;
        if (!seen.has(key)) problems.push({ path: at, ...problem, tag: tag.tag_content });
        seen.add(key);
        return false;
      });
    }
  }
  const unused = leaves(input).filter((leaf) => !covered(leaf, read));
  return { ok: problems.length === 0, problems, unused };
}

type Want = InputProblem['expected'] | 'container' | undefined;

/** The problem of a value at a point of a path, if any. */
function judge(value: unknown, want: Want, optional: boolean): Pick<InputProblem, 'kind' | 'expected'> | undefined {
  const expected = want === 'container' ? 'object' : (want ?? 'value');
  if (value === undefined || value === null) return optional ? undefined : { kind: 'missing', expected };
  if (want === 'container') return isObject(value) || Array.isArray(value) ? undefined : { kind: 'shape', expected };
  if (want && !fits[want](value)) return { kind: 'shape', expected };
  return undefined;
}

/**
 * Follows `keys` from `value`, going into every item of a list met on the way, and calls `visit`
 * at each step (false stops that branch). `at` is the path so far, with item indexes.
 */
function walk(
  value: unknown,
  keys: string[],
  i: number,
  at: string,
  visit: (at: string, value: unknown, last: boolean) => boolean,
): void {
  if (Array.isArray(value) && i > 0 && i < keys.length) {
    for (const [n, item] of value.entries()) walk(item, keys, i, `${at}[${n}]`, visit);
    return;
  }
  const next = isObject(value) ? value[keys[i]!] : undefined;
  const here = at ? `${at}.${keys[i]}` : keys[i]!;
  const last = i === keys.length - 1;
  if (!visit(here, next, last) || last) return;
  walk(next, keys, i + 1, here, visit);
}

/** The input's leaf paths, list items folded into `[]`, each once. */
function leaves(value: unknown, at = '', out = new Set<string>()): string[] {
  if (Array.isArray(value)) for (const item of value) leaves(item, `${at}[]`, out);
  else if (isObject(value) && Object.keys(value).length)
    for (const key in value) leaves(value[key], at ? `${at}.${key}` : key, out);
  else if (at) out.add(at);
  return [...out];
}

/** True when a tag reads the leaf, or a path it lies under (an image or list read whole). */
function covered(leaf: string, read: Set<string>): boolean {
  const path = leaf.replace(/\[\]/g, '');
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') if (read.has(p)) return true;
  return false;
}
