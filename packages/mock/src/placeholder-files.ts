// The bytes the mock's download host serves for a generated file: a one-page PDF or a one-
// paragraph DOCX that shows the file's name. Small, valid (a reader opens them), the same bytes
// for the same name. No Node built-ins.
import type { DocGenBatchCreateRequest } from '@box-docgen/types';
import { storedZip } from './stored-zip.js';

type OutputType = DocGenBatchCreateRequest['output_type'];

/** A PDF literal string of `text`: Latin-1 characters (WinAnsi), others as '?'. */
function pdfString(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '(' || ch === ')') out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code >= 0xa0 && code <= 0xff) out += `\\${code.toString(8)}`;
    else out += '?';
  }
  return `(${out})`;
}

/** A one-page PDF (letter size, Helvetica) with `title` as its only line. */
export function placeholderPdf(title: string): Uint8Array {
  const text = `BT /F1 16 Tf 72 720 Td ${pdfString(title)} Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  // Every character is ASCII, so string lengths are byte offsets.
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) body += `${String(at).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A DOCX (the three parts Word needs) with `title` as its only paragraph. */
export function placeholderDocx(title: string): Uint8Array {
  const encoder = new TextEncoder();
  const part = (name: string, xml: string) => ({ name, data: encoder.encode(XML + xml) });
  return storedZip([
    part(
      '[Content_Types].xml',
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        '</Types>',
    ),
    part(
      '_rels/.rels',
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
        '</Relationships>',
    ),
    part(
      'word/document.xml',
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
        `<w:body><w:p><w:r><w:t xml:space="preserve">${xmlText(title)}</w:t></w:r></w:p></w:body></w:document>`,
    ),
  ]);
}

/** The media type of each output type the spec has, for the download host's Content-Type. */
const MEDIA_TYPES: Record<OutputType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const MAKERS: Record<OutputType, (title: string) => Uint8Array> = { pdf: placeholderPdf, docx: placeholderDocx };

/** The placeholder for a file of an output type (a job's, an open string), or undefined for one the spec does not have. */
export function placeholderFile(
  outputType: string,
  title: string,
): { bytes: Uint8Array; contentType: string } | undefined {
  if (!Object.hasOwn(MAKERS, outputType)) return undefined;
  return { bytes: MAKERS[outputType as OutputType](title), contentType: MEDIA_TYPES[outputType as OutputType] };
}
