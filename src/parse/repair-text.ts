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

/**
 * Characters that have no business in feed text and can do harm where it ends up: C0 controls
 * other than tab and line breaks (ESC starts terminal escape sequences that clear the screen, set
 * the window title or plant OSC 8 hyperlinks; BEL rings), DEL, the C1 controls (U+009B is a
 * one-byte CSI), and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 * which make "Invoice \u202egnp.exe" display as "Invoice exe.png".
 */
export const UNSAFE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Character references (`&#x1b;`, `&#27;`) to those characters, which a later HTML decoding step would bring back. */
const UNSAFE_REFERENCE = /&#(?:x0*(?:[0-8bcef]|1[0-9a-f]|7f|8[0-9a-f]|9[0-9a-f]|202[a-e]|206[6-9])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|12[7-9]|1[3-5][0-9]|82(?:3[4-8])|829[4-7]));/gi;

/** Removes UNSAFE_CONTROLS, and references to them (after repairC1 has read windows-1252 punctuation back). */
export function stripControls(text: string): string;
export function stripControls(text: string | undefined): string | undefined;
export function stripControls(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  if (out.includes('&#')) out = out.replace(UNSAFE_REFERENCE, '');
  UNSAFE_CONTROLS.lastIndex = 0;
  if (!UNSAFE_CONTROLS.test(out)) return out;
  UNSAFE_CONTROLS.lastIndex = 0;
  return out.replace(UNSAFE_CONTROLS, '');
}

/**
 * All repairs: mojibake first (its runs contain the windows-1252 characters), then C1 controls
 * read as windows-1252, then whatever control characters are left removed.
 */
export function repairText(text: string): string;
export function repairText(text: string | undefined): string | undefined;
export function repairText(text: string | undefined): string | undefined {
  return text === undefined ? undefined : stripControls(repairC1(repairMojibake(text)));
}

const TEXT_FIELDS = ['guid', 'link', 'title', 'contentHtml', 'contentText', 'summary', 'author', 'baseUrl'] as const;
const FEED_FIELDS = ['title', 'link', 'description', 'feedUrl'] as const;

/** Every text field of a parsed feed, and of each of its items, repaired (see repairText). */
export function repairFeedText(feed: ParsedFeed): ParsedFeed {
  const items = feed.items.map((item) => {
    const repaired: RawItem = { ...item };
    for (const field of TEXT_FIELDS) if (typeof repaired[field] === 'string') repaired[field] = repairText(repaired[field]);
    if (repaired.categories) repaired.categories = repaired.categories.map((c) => repairText(c));
    if (repaired.images) repaired.images = repaired.images.map((image) => ({ ...image, url: repairText(image.url), ...(image.alt === undefined ? {} : { alt: repairText(image.alt) }) }));
    if (repaired.enclosure) repaired.enclosure = { ...repaired.enclosure, url: repairText(repaired.enclosure.url) };
    return repaired;
  });
  const repaired: ParsedFeed = { ...feed, items };
  for (const field of FEED_FIELDS) if (typeof repaired[field] === 'string') repaired[field] = repairText(repaired[field]);
  return repaired;
}
