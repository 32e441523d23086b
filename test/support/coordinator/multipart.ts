// Just enough multipart/form-data parsing for the artifacts upload: the parts with their name,
// filename and bytes (RFC 7578).
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  body: Buffer;
}

export function parseMultipart(contentType: string | undefined, body: Buffer): FormPart[] | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!match || !/^multipart\/form-data/i.test(contentType ?? '')) return undefined;
  const boundary = Buffer.from(`--${match[1] ?? match[2] ?? ''}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(boundary);
  if (pos < 0) return undefined;
  for (;;) {
    pos += boundary.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    pos += 2; // CRLF after the boundary
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return undefined;
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
    if (next < 0) return undefined;
    parts.push(part(headers, body.subarray(headerEnd + 4, next)));
    pos = next + 2;
  }
}

function part(headers: string, body: Buffer): FormPart {
  const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  const contentType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
  return { name, body: Buffer.from(body), ...(filename !== undefined ? { filename } : {}), ...(contentType ? { contentType } : {}) };
}
