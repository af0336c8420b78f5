// --name patterns: 'PO {order.id} {vendor.company}'. A {path} reads the row's user_input at
// that dotted path (array items by index: {products.0.name}); {{ and }} are literal braces.
// A field that is missing, empty, null, or not a plain value makes the row invalid, and so
// does a name Box cannot use (empty, '/' or '\', longer than 255 characters, '.' or '..').
import { valueAt } from './user-input.js';

type Part = string | { path: string[]; field: string };

export interface NamePattern {
  source: string;
  /** The fields the pattern reads, as written. */
  fields: string[];
  /** The file name for a row, or why the row cannot have one. */
  apply(data: Record<string, unknown>): { name: string } | { error: string };
}

export const MAX_NAME_LENGTH = 255;

export class NamePatternError extends Error {
  override name = 'NamePatternError';
}

export function compileNamePattern(source: string): NamePattern {
  if (!source.trim())
    throw new NamePatternError('--name is empty: give a pattern such as "PO {order.id} {vendor.company}"');
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '{' && source[i + 1] === '{') {
      text += '{';
      i++;
    } else if (c === '}' && source[i + 1] === '}') {
      text += '}';
      i++;
    } else if (c === '{') {
      const close = source.indexOf('}', i + 1);
      if (close < 0)
        throw new NamePatternError(
          `--name "${source}": the { at position ${i + 1} is never closed (write {{ for a literal brace)`,
        );
      const field = source.slice(i + 1, close).trim();
      if (!field) throw new NamePatternError(`--name "${source}": {} at position ${i + 1} names no field`);
      if (field.includes('{')) throw new NamePatternError(`--name "${source}": a { inside {${field}}`);
      const path = field.split('.');
      if (path.some((part) => !part))
        throw new NamePatternError(`--name "${source}": {${field}} has an empty part between dots`);
      if (text) parts.push(text);
      text = '';
      parts.push({ path, field });
      i = close;
    } else if (c === '}') {
      throw new NamePatternError(
        `--name "${source}": a } at position ${i + 1} closes nothing (write }} for a literal brace)`,
      );
    } else {
      text += c;
    }
  }
  if (text) parts.push(text);
  const fields = parts.flatMap((part) => (typeof part === 'string' ? [] : [part.field]));

  return {
    source,
    fields,
    apply(data) {
      let name = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          name += part;
          continue;
        }
        const value = valueAt(data, part.path);
        if (value === undefined) return { error: `--name field {${part.field}} is missing from the row` };
        if (value === null || value === '') return { error: `--name field {${part.field}} is empty` };
        if (typeof value === 'object')
          return {
            error: `--name field {${part.field}} is ${Array.isArray(value) ? 'an array' : 'an object'}, not a value`,
          };
        name += String(value);
      }
      name = name.trim();
      if (!name) return { error: `the file name made by --name is empty` };
      if (/[/\\]/.test(name))
        return { error: `the file name "${name}" contains a / or \\, which Box does not allow in names` };
      if (name === '.' || name === '..') return { error: `the file name "${name}" is not allowed` };
      // Control characters (a newline from a multi-line cell, say) do not belong in a file name.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
      if (/[\u0000-\u001f\u007f]/.test(name))
        return { error: `the file name ${JSON.stringify(name)} contains a line break or control character` };
      if (name.length > MAX_NAME_LENGTH)
        return { error: `the file name is ${name.length} characters long; Box allows at most ${MAX_NAME_LENGTH}` };
      return { name };
    },
  };
}
