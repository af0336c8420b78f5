// `box-docgen types`: a TypeScript type of a template's user_input, from its tags. Each tag's
// paths become nested properties; a loop's path an array of its items; what the tag does there
// (@box-docgen/client/check-input's TAG_NEEDS) the property's type. A path only a condition
// reads is optional.
import type { DocGenTag } from '@box-docgen/client';
import { TAG_NEEDS } from '@box-docgen/client/check-input';

interface Node {
  children: Map<string, Node>;
  list: boolean;
  needs: Set<'value' | 'number' | 'optional'>;
  required: boolean;
}

const node = (): Node => ({ children: new Map(), list: false, needs: new Set(), required: false });

type Tag = Pick<DocGenTag, 'tag_content' | 'tag_type' | 'json_paths'>;

export function userInputType(tags: readonly Tag[], name: string, header: string): string {
  const root = node();
  for (const tag of tags) {
    const need = TAG_NEEDS[tag.tag_type] ?? 'value';
    const paths = tag.json_paths ?? [];
    for (const path of paths) {
      const end = !paths.some((other) => other.startsWith(`${path}.`));
      let at = root;
      for (const key of path.split('.')) {
        let next = at.children.get(key);
        if (!next) at.children.set(key, (next = node()));
        if (need !== 'optional') next.required = true;
        at = next;
      }
      if (!end) continue;
      if (need === 'list') at.list = true;
      else at.needs.add(need);
    }
  }
  return `${header}export interface ${name} ${object(root, '')}\n`;
}

const LEAF = { value: 'string | number | boolean', number: 'number | string', optional: 'unknown' } as const;

function object(n: Node, indent: string): string {
  const inner = `${indent}  `;
  const props = [...n.children].map(
    ([key, child]) =>
      `${inner}${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}${child.required ? '' : '?'}: ${type(child, inner)};`,
  );
  return `{\n${props.join('\n')}\n${indent}}`;
}

function type(n: Node, indent: string): string {
  const item = n.children.size
    ? object(n, indent)
    : n.needs.has('number')
      ? LEAF.number
      : n.needs.has('value')
        ? LEAF.value
        : n.list
          ? 'unknown'
          : LEAF.optional;
  return n.list ? `Array<${item}>` : item;
}
