/**
 * The character references that make up nearly all double escaping in labels ("Q&amp;amp;A",
 * "&amp;#8217;"): numeric ones and XML's five, plus &nbsp;. No decoder library: modules that load
 * on every command (the config's OPML reader, item selection) use it.
 */
const BASIC = /&(?:#(\d{1,7})|#x([\da-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function character(code: number): string {
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
}

/** Decodes the basic references once; anything else is left as written. */
export function decodeBasicEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(BASIC, (whole, dec?: string, hex?: string, name?: string) =>
    dec ? character(Number(dec)) : hex ? character(Number.parseInt(hex, 16)) : (NAMED[name!.toLowerCase()] ?? whole),
  );
}
