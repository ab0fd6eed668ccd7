import type { IncomingMessage } from 'node:http';

/** An error with the HTTP status to answer it with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The request's body, at most `limit` bytes: a bigger one (by Content-Length, or as it arrives) is
 * refused with 413 before it is read further.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The fields of a form body: application/x-www-form-urlencoded, or multipart/form-data (text
 * fields only; RFC 8058 allows either for the one-click POST). Anything else gives no fields.
 */
export function formFields(body: Buffer, contentType: string | undefined): URLSearchParams {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return multipartFields(body, contentType!);
  if (type.startsWith('application/x-www-form-urlencoded') || type === '') return new URLSearchParams(body.toString('utf8'));
  return new URLSearchParams();
}

function multipartFields(body: Buffer, contentType: string): URLSearchParams {
  const fields = new URLSearchParams();
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return fields;
  const text = body.toString('utf8');
  for (const part of text.split(`--${marker}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const headers = part.slice(0, split);
    const name = /content-disposition:\s*form-data;[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined || /filename=/i.test(headers)) continue;
    fields.append(name, part.slice(split + 4).replace(/\r\n$/, ''));
  }
  return fields;
}
