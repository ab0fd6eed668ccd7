import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

import { charsetFromContentType, decodeBody, decodeBodyDetailed, declaredCharset } from '../../src/fetch/decode-text.js';

const xml = (encoding: string, body: string): string =>
  `<?xml version="1.0" encoding="${encoding}"?>\n<rss version="2.0"><channel><title>${body}</title></channel></rss>`;

describe('decodeBody', () => {
  it('decodes plain UTF-8 without any label', () => {
    expect(decodeBodyDetailed(Buffer.from('<p>café – “quoted”</p>'))).toMatchObject({
      text: '<p>café – “quoted”</p>',
      charset: 'utf-8',
      source: 'detected',
    });
  });

  it('lets a BOM win over a wrong HTTP charset', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml('utf-8', 'café'))]);
    const decoded = decodeBodyDetailed(bytes, 'text/xml; charset=iso-8859-1');
    expect(decoded.source).toBe('bom');
    expect(decoded.text.startsWith('<?xml')).toBe(true); // BOM stripped
    expect(decoded.text).toContain('<title>café</title>');
  });

  it('decodes UTF-16 LE and BE by their BOM', () => {
    const text = xml('utf-16', 'Grüße');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]);
    expect(decodeBody(le)).toBe(text);
    expect(decodeBody(be)).toBe(text);
  });

  it('recognises UTF-16 without a BOM from the "<?" pattern', () => {
    const text = xml('utf-16', 'Ωmega');
    expect(decodeBody(iconv.encode(text, 'utf-16be'))).toBe(text);
    expect(decodeBody(iconv.encode(text, 'utf-16le'))).toBe(text);
  });

  it('honours the HTTP charset for ISO-8859-1 bytes (read as windows-1252, like browsers)', () => {
    const bytes = Buffer.concat([Buffer.from('<title>caf'), Buffer.from([0xe9, 0x20, 0x93, 0x71, 0x94]), Buffer.from('</title>')]);
    expect(decodeBody(bytes, 'application/rss+xml; charset="ISO-8859-1"')).toBe('<title>café “q”</title>');
  });

  it('overrides a Latin HTTP charset when the bytes are valid multibyte UTF-8', () => {
    const decoded = decodeBodyDetailed(Buffer.from(xml('utf-8', 'café')), 'text/xml; charset=iso-8859-1');
    expect(decoded.charset).toBe('utf-8');
    expect(decoded.text).toContain('café');
  });

  it('uses the XML declaration when HTTP says nothing', () => {
    const text = xml('windows-1251', 'Привет, мир');
    const decoded = decodeBodyDetailed(iconv.encode(text, 'windows-1251'), 'application/xml');
    expect(decoded).toMatchObject({ text, charset: 'windows-1251', source: 'declared' });
  });

  it('uses an HTML meta charset', () => {
    const html = '<html><head><meta charset="koi8-r"><title>Новости</title></head></html>';
    expect(decodeBody(iconv.encode(html, 'koi8-r'), 'text/html')).toBe(html);
    const httpEquiv = '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>日本語</p>';
    expect(decodeBody(iconv.encode(httpEquiv, 'shift_jis'))).toBe(httpEquiv);
  });

  it('ignores a "utf-8" label on bytes that are not UTF-8 at all', () => {
    const bytes = Buffer.from([0x3c, 0x70, 0x3e, 0x63, 0x61, 0x66, 0xe9, 0x3c, 0x2f, 0x70, 0x3e]);
    expect(decodeBody(bytes, 'text/html; charset=utf-8')).toBe('<p>café</p>');
  });

  it('falls back to windows-1252 for invalid UTF-8 without labels', () => {
    expect(decodeBodyDetailed(Buffer.from([0x93, 0x68, 0x69, 0x94])).text).toBe('“hi”');
  });

  it('ignores unknown charset labels', () => {
    expect(decodeBody(Buffer.from('plain ascii'), 'text/plain; charset=x-no-such-thing')).toBe('plain ascii');
  });

  it('ignores a UTF-16 label on ASCII-looking bytes', () => {
    expect(decodeBody(Buffer.from(xml('utf-16', 'x')), 'text/xml; charset=utf-16')).toBe(xml('utf-16', 'x'));
  });

  it('reads charset labels', () => {
    expect(charsetFromContentType('text/xml; Charset="UTF-8"')).toBe('utf-8');
    expect(charsetFromContentType('text/xml')).toBeUndefined();
    expect(declaredCharset(Buffer.from("<?xml version='1.0' encoding='Big5'?><a/>"))).toBe('big5');
  });
});
