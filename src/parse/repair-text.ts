import type { ParsedFeed, RawItem } from '../types.js';

/**
 * windows-1252's printable characters in 0x80–0x9F (curly quotes, dashes, €, …). Feeds produced
 * by converting windows-1252 text as if it were Latin-1 carry them as the C1 control characters
 * U+0080–U+009F, either as bytes or as `&#146;`-style references. Those controls never belong in
 * text, so they are read as what the author typed (feedparser calls this "demoronizing").
 */
const CP1252: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š',
  0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
  0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

const C1 = /[\u0080-\u009f]/g;

export function repairC1(text: string): string;
export function repairC1(text: string | undefined): string | undefined;
export function repairC1(text: string | undefined): string | undefined {
  if (text === undefined || !C1.test(text)) return text;
  C1.lastIndex = 0;
  return text.replace(C1, (c) => CP1252[c.charCodeAt(0)] ?? '');
}

const REVERSE_CP1252 = new Map(Object.entries(CP1252).map(([byte, char]) => [char, Number(byte)]));
const CONT = '[\\u0080-\\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]';
/** UTF-8 byte sequences read as windows-1252: "â€¦" for "…", "Ã©" for "é". */
const MOJIBAKE = new RegExp(`[\\u00c2-\\u00df]${CONT}|[\\u00e0-\\u00ef]${CONT}{2}|[\\u00f0-\\u00f4]${CONT}{3}`, 'g');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Repairs text that was UTF-8, decoded as windows-1252 and encoded again ("double-encoded"):
 * each run that is exactly a valid UTF-8 sequence seen through windows-1252 is decoded back.
 * Runs that do not decode are left alone, so real "Ã" or "â" in text survive.
 */
export function repairMojibake(text: string): string {
  if (!/[\u00c2-\u00f4]/.test(text)) return text;
  return text.replace(MOJIBAKE, (run) => {
    const bytes = [...run].map((c) => (c.charCodeAt(0) <= 0xff ? c.charCodeAt(0) : REVERSE_CP1252.get(c) ?? -1));
    if (bytes.includes(-1)) return run;
    try {
      return utf8.decode(Uint8Array.from(bytes));
    } catch {
      return run;
    }
  });
}

/** Both repairs: mojibake first (its runs contain the windows-1252 characters), then C1 controls. */
export function repairText(text: string): string;
export function repairText(text: string | undefined): string | undefined;
export function repairText(text: string | undefined): string | undefined {
  return text === undefined ? undefined : repairC1(repairMojibake(text));
}

const TEXT_FIELDS = ['guid', 'link', 'title', 'contentHtml', 'contentText', 'summary', 'author'] as const;

export function repairFeedText(feed: ParsedFeed): ParsedFeed {
  const items = feed.items.map((item) => {
    const repaired: RawItem = { ...item };
    for (const field of TEXT_FIELDS) if (typeof repaired[field] === 'string') repaired[field] = repairText(repaired[field]);
    if (repaired.categories) repaired.categories = repaired.categories.map((c) => repairText(c));
    if (repaired.images) repaired.images = repaired.images.map((image) => ({ ...image, url: repairText(image.url) }));
    return repaired;
  });
  return { ...feed, ...(feed.title !== undefined ? { title: repairText(feed.title) } : {}), items };
}
