// `box-docgen templates list|tags|mark|unmark`: thin wrappers over the client, with --json.
import type { DocGenClient, DocGenTag, DocGenTemplate } from '@box-docgen/client';
import { lister, printJson, type Out } from './output.js';

export async function templatesList(
  docgen: DocGenClient,
  out: Out,
  o: { max?: number; json: boolean },
  signal?: AbortSignal,
): Promise<number> {
  const list = lister<DocGenTemplate>(out, o.json, [
    { title: 'file', width: 14, value: (t) => t.file?.id ?? '' },
    { title: 'name', width: 0, value: (t) => t.file_name ?? '' },
  ]);
  for await (const template of docgen.templates.list(undefined, { signal })) {
    list.item(template);
    if (o.max !== undefined && list.count() >= o.max) break;
  }
  list.end();
  return 0;
}

export async function templatesTags(
  docgen: DocGenClient,
  out: Out,
  templateId: string,
  o: { templateVersion?: string; json: boolean; timeoutMs?: number },
  signal?: AbortSignal,
): Promise<number> {
  const list = lister<DocGenTag>(out, o.json, [
    { title: 'type', width: 12, value: (t) => t.tag_type },
    { title: 'tag', width: 36, value: (t) => t.tag_content },
    { title: 'json paths', width: 0, value: (t) => (t.json_paths ?? []).join(', ') },
  ]);
  const query = o.templateVersion !== undefined ? { template_version_id: o.templateVersion } : undefined;
  for await (const tag of docgen.templates.listTags(templateId, query, {
    signal,
    ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
  })) {
    list.item(tag);
  }
  list.end();
  return 0;
}

export async function templatesMark(
  docgen: DocGenClient,
  out: Out,
  fileId: string,
  json: boolean,
  signal?: AbortSignal,
): Promise<number> {
  const template = await docgen.templates.create({ file: { id: fileId, type: 'file' } }, { signal });
  if (json) printJson(out, template);
  else out.write(`marked file ${template.file?.id ?? fileId} as a Doc Gen template\n`);
  return 0;
}

export async function templatesUnmark(
  docgen: DocGenClient,
  out: Out,
  templateId: string,
  json: boolean,
  signal?: AbortSignal,
): Promise<number> {
  await docgen.templates.delete(templateId, { signal });
  if (json) printJson(out, { unmarked: templateId });
  else out.write(`file ${templateId} is no longer a Doc Gen template\n`);
  return 0;
}
