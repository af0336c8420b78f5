// The template check of `generate`: the template's tags, read once before the validation pass,
// and each row's user_input checked against them (@box-docgen/client/check-input).
import type { DocGenClient, DocGenTag } from '@box-docgen/client';
import { checkUserInput, type InputCheck } from '@box-docgen/client/check-input';

export async function templateCheck(
  docgen: DocGenClient,
  template: string,
  templateVersion: string | undefined,
): Promise<(data: Record<string, unknown>) => InputCheck> {
  const tags: DocGenTag[] = [];
  const query = templateVersion !== undefined ? { template_version_id: templateVersion } : undefined;
  for await (const tag of docgen.templates.listTags(template, query)) tags.push(tag);
  return (data) => checkUserInput(tags, data);
}
