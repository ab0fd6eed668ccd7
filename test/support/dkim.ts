import { createHash, verify, type KeyObject } from 'node:crypto';

/**
 * Checks a DKIM-Signature (rsa-sha256, relaxed/relaxed, RFC 6376 §3.4.2 and §3.4.4) against a
 * public key: the body hash and the signature over the signed headers. Enough to prove a message
 * was really signed with the configured key, without DNS.
 */
export function verifyDkim(raw: Buffer, publicKey: KeyObject): { ok: boolean; bodyHashOk: boolean; tags: Record<string, string> } {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const headerText = text.slice(0, split + 2);
  const body = text.slice(split + 4);

  const fields = headerText.split(/\r\n(?![ \t])/).filter(Boolean);
  const signature = fields.find((f) => /^dkim-signature:/i.test(f));
  if (!signature) return { ok: false, bodyHashOk: false, tags: {} };
  const tags = Object.fromEntries(
    signature
      .slice(signature.indexOf(':') + 1)
      .split(';')
      .map((tag) => tag.trim())
      .filter(Boolean)
      .map((tag) => [tag.slice(0, tag.indexOf('=')).trim(), tag.slice(tag.indexOf('=') + 1).replace(/\s+/g, '')]),
  );

  const relaxedBody = body
    .split('\r\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\r\n')
    .replace(/(\r\n)*$/, '');
  const bodyHash = createHash('sha256').update(`${relaxedBody}${relaxedBody ? '\r\n' : ''}`, 'latin1').digest('base64');

  const relaxedHeader = (field: string) => {
    const colon = field.indexOf(':');
    const value = field.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim();
    return `${field.slice(0, colon).trim().toLowerCase()}:${value}`;
  };
  // For each name in h=, the last unused instance of that header, bottom-up.
  const used = new Set<number>();
  const signed = (tags.h ?? '').split(':').flatMap((name) => {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (!used.has(i) && fields[i]!.slice(0, fields[i]!.indexOf(':')).trim().toLowerCase() === name.trim().toLowerCase()) {
        used.add(i);
        return [`${relaxedHeader(fields[i]!)}\r\n`];
      }
    }
    return [];
  });
  const unsigned = relaxedHeader(signature.replace(/(\bb=)[^;]*$/, '$1'));
  const ok = verify('RSA-SHA256', Buffer.from(signed.join('') + unsigned, 'latin1'), publicKey, Buffer.from(tags.b ?? '', 'base64'));
  return { ok, bodyHashOk: bodyHash === tags.bh, tags };
}
