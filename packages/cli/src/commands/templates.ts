// `box-docgen templates list|tags|mark|unmark`: thin wrappers over the client, with --json.
import type { DocGenClient, DocGenTag, DocGenTemplate } from '@box-docgen/client';
import { didYouMean, int, noPositionals, positionalId, str } from '../args.js';
import { parseFor, type Command } from '../command.js';
import { connect } from '../connect.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { lister, printJson, type Out } from './output.js';

const SUBCOMMANDS = ['list', 'tags', 'mark', 'unmark'];

export const templatesCommand: Command = {
  name: 'templates',
  summary: 'list Doc Gen templates, show a template’s tags, mark a file as a template or unmark it',
  forms: ['list', 'tags <template_id>', 'mark <file_id>', 'unmark <template_id>'],
  options: [
    { name: 'template-version', value: 'ID', help: 'templates tags: the tags of this version' },
    { name: 'max', value: 'N', help: 'templates list: stop after N templates' },
  ],
  async run(args: string[], io: Io): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('templates needs a command: list, tags, mark or unmark');
    if (!SUBCOMMANDS.includes(sub))
      throw new UsageError(
        `unknown command "templates ${sub}": use templates list, tags, mark or unmark${didYouMean(sub, SUBCOMMANDS)}`,
      );
    const { values: v, positionals } = parseFor(templatesCommand, rest);
    const json = v.json === true;
    if (sub === 'list') {
      noPositionals(positionals, 'templates list');
      const max = int(v, 'max', 1, Number.MAX_SAFE_INTEGER);
      return templatesList((await connect(v, io)).docgen, io.stdout, { max, json });
    }
    const target = positionalId(positionals, sub === 'mark' ? 'file_id' : 'template_id');
    const { docgen } = await connect(v, io);
    if (sub === 'tags') {
      const o = { templateVersion: str(v, 'template-version'), json, timeoutMs: int(v, 'timeout', 1, 3_600_000) };
      return templatesTags(docgen, io.stdout, target, o);
    }
    return (sub === 'mark' ? templatesMark : templatesUnmark)(docgen, io.stdout, target, json);
  },
};

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
