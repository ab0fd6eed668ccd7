/**
 * Turns fetched bytes into text. Feeds lie about their charset often enough that no single
 * source can be trusted blindly, so the order is:
 *
 * 1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE), which is never accidental;
 * 2. the HTTP `Content-Type` charset;
 * 3. the document's own declaration: `<?xml … encoding="…"?>` or an HTML `<meta charset>`;
 * 4. detection: valid UTF-8, else windows-1252.
 *
 * Steps 2 and 3 are sanity-checked against the bytes: a single-byte charset label
 * (iso-8859-*, windows-125x, koi8-*, us-ascii…) on bytes that are valid UTF-8 *and* contain
 * multibyte sequences is overridden to UTF-8, because such byte runs practically never occur by
 * accident in real single-byte text, while "charset=iso-8859-1" is a very common server default
 * stuck on UTF-8 feeds. A "utf-8" label on bytes without a single valid multibyte sequence is
 * ignored (the bytes are really some 8-bit charset).
 * A UTF-16/32 label on ASCII-looking bytes is ignored for the same reason.
 * Like browsers (WHATWG Encoding), iso-8859-1 and us-ascii are decoded as windows-1252, whose
 * 0x80–0x9F range holds the curly quotes and dashes those feeds really contain.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Labels iconv-lite does not know under the name feeds use. */
const LABEL_ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  iso_8859_1: 'windows-1252',
  'iso-8859-1:1987': 'windows-1252',
  latin1: 'windows-1252',
  l1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'ansi_x3.4-1968': 'windows-1252',
  'x-user-defined': 'windows-1252',
  maccentraleurope: 'maccenteuro',
  maclatin2: 'maccenteuro',
  'x-mac-roman': 'macintosh',
  'x-mac-cyrillic': 'maccyrillic',
  'x-mac-greek': 'macgreek',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'x-unicode20utf8': 'utf-8',
};

/** Single-byte charsets: real text in them is practically never also valid multibyte UTF-8. */
const SINGLE_BYTE = /^(windows-125\d|cp125\d|iso-?8859-\d+|latin\d|koi8-?[a-z]+|macintosh|mac[a-z]*)$/;

export type CharsetSource = 'bom' | 'http' | 'declared' | 'detected';

export interface DecodedText {
  text: string;
  /** The charset actually used, as an iconv-lite name (or 'utf-8'). */
  charset: string;
  /** Which rule chose it. */
  source: CharsetSource;
}

/** Decodes a response body to a string; see the module comment for the rules. */
export function decodeBody(bytes: Buffer, contentType?: string): string {
  return decodeBodyDetailed(bytes, contentType).text;
}

/** Like `decodeBody`, also saying which charset was used and why (for tests and diagnostics). */
export function decodeBodyDetailed(bytes: Buffer, contentType?: string): DecodedText {
  const bom = sniffBom(bytes);
  if (bom) {
    return { text: decodeWith(bytes.subarray(bom.length), bom.charset), charset: bom.charset, source: 'bom' };
  }

  // UTF-16/32 without a BOM still announces itself through the zero bytes around "<?" (XML 1.0 appendix F).
  const wide = sniffWideXml(bytes);
  if (wide) return { text: decodeWith(bytes, wide), charset: wide, source: 'detected' };

  const utf8 = classifyUtf8(bytes);

  const fromHttp = usableLabel(charsetFromContentType(contentType), bytes, utf8);
  if (fromHttp) return { text: decodeWith(bytes, fromHttp), charset: fromHttp, source: 'http' };

  const declared = usableLabel(declaredCharset(bytes), bytes, utf8);
  if (declared) return { text: decodeWith(bytes, declared), charset: declared, source: 'declared' };

  const detected = utf8 === 'invalid' ? 'windows-1252' : 'utf-8';
  return { text: decodeWith(bytes, detected), charset: detected, source: 'detected' };
}

/** The `charset` parameter of a Content-Type header, lower-cased and unquoted. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return match?.[2]?.toLowerCase();
}

/** The encoding an XML declaration or an HTML meta tag states, from the first bytes. */
export function declaredCharset(bytes: Buffer): string | undefined {
  // latin1 maps bytes 1:1 to code points, so ASCII-compatible declarations read correctly whatever the real charset.
  const head = bytes.subarray(0, 4096).toString('latin1');
  const xmlDecl = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']/.exec(head);
  if (xmlDecl?.[1]) return xmlDecl[1].toLowerCase();
  const metaCharset = /<meta\b[^>]*?\bcharset\s*=\s*["']?([A-Za-z0-9._:\-]+)/i.exec(head);
  if (metaCharset?.[1]) return metaCharset[1].toLowerCase();
  return undefined;
}

type Utf8Class = 'ascii' | 'multibyte' | 'invalid';

/** Validated without building a string (simdutf in Node), so the body is decoded only once. */
function classifyUtf8(bytes: Buffer): Utf8Class {
  if (isAscii(bytes)) return 'ascii';
  return isUtf8(bytes) ? 'multibyte' : 'invalid';
}

/** Normalises a label and checks it against the bytes; undefined when it should not be trusted. */
function usableLabel(label: string | undefined, bytes: Buffer, utf8: Utf8Class): string | undefined {
  if (!label) return undefined;
  const name = normaliseLabel(label);
  if (!name) return undefined;
  if (isWide(name)) {
    // A UTF-16/32 label on bytes without the zero bytes such text must have is simply wrong.
    return undefined;
  }
  if (name === 'utf-8') {
    // Stated UTF-8 but not one valid multibyte sequence: the bytes are really some 8-bit charset.
    return utf8 === 'invalid' && !hasValidMultibyte(bytes) ? undefined : 'utf-8';
  }
  if (utf8 === 'multibyte' && SINGLE_BYTE.test(name)) return 'utf-8';
  return name;
}

function normaliseLabel(label: string): string | undefined {
  let name = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  name = LABEL_ALIASES[name] ?? name;
  if (name === 'utf-8') return name;
  if (/^\d+$/.test(name)) name = `cp${name}`; // "437" → cp437
  if (!iconv.encodingExists(name)) return undefined;
  return name;
}

function isWide(name: string): boolean {
  return /^(utf-?(16|32)|ucs-?(2|4)|unicode)/.test(name);
}

function hasValidMultibyte(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length - 1; i++) {
    const b = bytes[i]!;
    if (b >= 0xc2 && b <= 0xf4) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      let ok = i + len <= bytes.length;
      for (let k = 1; ok && k < len; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
      if (ok) return true;
    }
  }
  return false;
}

function sniffBom(bytes: Buffer): { charset: string; length: number } | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return { charset: 'utf-8', length: 3 };
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { charset: 'utf-32le', length: 4 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { charset: 'utf-32be', length: 4 };
  if (a === 0xff && b === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (a === 0xfe && b === 0xff) return { charset: 'utf-16be', length: 2 };
  return undefined;
}

function sniffWideXml(bytes: Buffer): string | undefined {
  if (bytes.length < 4) return undefined;
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0x3c && b === 0 && c === 0 && d === 0) return 'utf-32le';
  if (a === 0 && b === 0 && c === 0 && d === 0x3c) return 'utf-32be';
  if (a === 0x3c && b === 0 && c === 0x3f && d === 0) return 'utf-16le';
  if (a === 0 && b === 0x3c && c === 0 && d === 0x3f) return 'utf-16be';
  return undefined;
}

function decodeWith(bytes: Buffer, charset: string): string {
  if (charset === 'utf-8') return bytes.toString('utf8');
  return iconv.decode(bytes, charset, { stripBOM: false });
}
