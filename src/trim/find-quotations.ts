/**
 * Finds the spans between quotation marks in each paragraph: curly “…”, straight "…", German
 * „…“ (or „…”), French « … », and, in paragraphs without any double quotes, British ‘…’.
 * Single quotes inside a double-quoted span are part of its text (a quotation within a
 * quotation). A quotation left open at the end of a paragraph runs to the paragraph's end, the
 * way news style continues a quotation into the next paragraph.
 */

export interface Quotation {
  /** Index of the paragraph the quotation is in. */
  paragraph: number;
  /** Offset of the opening mark in the paragraph. */
  open: number;
  /** Offset just after the closing mark (the paragraph's length when left open). */
  close: number;
  /** The text between the marks, trimmed. */
  text: string;
  /** False when the paragraph ended before a closing mark. */
  closed: boolean;
}

/** Opening mark → the marks that may close it. */
const CLOSERS: Record<string, string> = {
  '“': '”"',
  '„': '“”"',
  '«': '»',
  '"': '"”',
  '‘': '’',
  // A mistyped opening mark (”…”), taken as the writer meant it.
  '”': '”“"',
};

function isSpace(char: string | undefined): boolean {
  return char === undefined || /[\s\u00a0]/.test(char);
}

function isLetterOrDigit(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}

/** A straight or single mark can open here: after a space/bracket/dash, before a non-space. */
function canOpen(text: string, index: number): boolean {
  const before = text[index - 1];
  const after = text[index + 1];
  if (isSpace(after)) return false;
  return before === undefined || /[\s\u00a0([{\-–—/:;,]/.test(before);
}

/** A closing ’ that is an apostrophe (don’t, students’ ) is not a closing quote. */
function isApostrophe(text: string, index: number): boolean {
  return isLetterOrDigit(text[index - 1]) && isLetterOrDigit(text[index + 1]);
}

function findClose(text: string, from: number, opener: string): number {
  const closers = CLOSERS[opener] ?? '';
  for (let index = from; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (!closers.includes(char)) continue;
    if (opener === '‘' && isApostrophe(text, index)) continue;
    if (opener === '"' && char === '"' && isLetterOrDigit(text[index + 1]) && isLetterOrDigit(text[index - 1])) continue;
    return index;
  }
  return -1;
}

function scan(text: string, paragraph: number, openers: string): Quotation[] {
  const found: Quotation[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    if (!openers.includes(char) || ((char === '"' || char === '‘' || char === '”') && !canOpen(text, index))) {
      index += 1;
      continue;
    }
    const end = findClose(text, index + 1, char);
    const closed = end !== -1;
    const stop = closed ? end : text.length;
    const inner = text.slice(index + 1, stop).trim();
    if (inner !== '') found.push({ paragraph, open: index, close: closed ? end + 1 : text.length, text: inner, closed });
    index = closed ? end + 1 : text.length;
  }
  return found;
}

/** All quotations of all paragraphs, in reading order. */
export function findQuotations(paragraphs: string[]): Quotation[] {
  const quotations: Quotation[] = [];
  paragraphs.forEach((text, paragraph) => {
    const doubles = scan(text, paragraph, '“„«"”');
    if (doubles.length > 0 || /[“”„«»"]/.test(text)) {
      quotations.push(...doubles);
      return;
    }
    quotations.push(...scan(text, paragraph, '‘'));
  });
  return quotations;
}
