import { countWords, leadingWords, normalizeText } from '../text/plain-text.js';
import { isFurnitureText } from '../text/is-furniture-text.js';
import { boundParagraphs } from './bound-paragraphs.js';
import { findQuotations } from './find-quotations.js';
import { splitSentences } from '../text/split-sentences.js';

export interface SelectLedeOptions {
  /** Word budget for the lede. Default 50. */
  maxWords?: number;
  /** The headline shown above the lede: opening sentences that only restate it are skipped. */
  headline?: string;
}

const DEFAULT_MAX_WORDS = 50;

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const WEEKDAY = '(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\\.?';
const DATE = `(?:${WEEKDAY},?\\s+)?(?:${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?(?:\\s+\\d{4})?|\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH},?(?:\\s+\\d{4})?|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4})`;
const TIME = '\\d{1,2}[:.]\\d{2}(?:\\s*[ap]\\.?m\\.?)?(?:\\s*[A-Z]{2,4})?|\\d{1,2}\\s*[ap]\\.?m\\.?(?:\\s*[A-Z]{2,4})?';

/**
 * Paragraphs that come before the story proper and are not part of it. Exported for the rule
 * audit of `npm run eval -- --rules`, which switches them off one at a time; nothing else may
 * change it.
 */
export const NOT_A_LEDE: RegExp[] = [
  // Bylines: "By Jane Doe", "By Jane Doe and John Roe, Reuters", "Jane Doe | Reuters".
  /^by\s+[\p{Lu}][^.!?]{0,120}$/iu,
  /^(?:written|reported|posted|story|words|text)\s+by\s+.{1,120}$/i,
  /^[\p{Lu}][\p{L}.'’-]+(?:\s+[\p{Lu}][\p{L}.'’-]+){0,3}\s*[|,/]\s*(?:staff writer|reporter|correspondent|contributor|editor|reuters|ap|afp|bloomberg|associated press)\b.{0,60}$/iu,
  // Timestamps: "Updated at 3:15 p.m.", "Published November 19, 2019", "Last modified: …".
  new RegExp(`^(?:updated|published|posted|last (?:updated|modified)|first published|modified|created)(?:\\s+(?:on|at))?\\s*:?\\s*(?=.{0,80}$)(?=.*(?:\\d|ago|yesterday|today))`, 'i'),
  new RegExp(`^(?:${DATE})(?:,?\\s*(?:at\\s+)?(?:${TIME}))?(?:\\s*[|•·–—-]\\s*.{0,40})?\\.?$`, 'i'),
  new RegExp(`^(?:${TIME})(?:,?\\s*${DATE})?\\.?$`, 'i'),
  /^\d+\s+(?:min(?:ute)?s?|hours?|days?)\s+(?:ago|read)\.?$/i,
  /^(?:\d+\s+min(?:ute)?\s+read|reading time:?.{0,20})$/i,
  // A dateline alone: "WASHINGTON (AP) —", "LONDON, Nov 19 (Reuters) -".
  /^[\p{Lu}][\p{Lu}\s.,'’-]{1,60}(?:\([^)]{1,30}\))?\s*[-–—:]*\s*$/u,
  /^[\p{Lu}][\p{Lu}\s.'’-]{1,40},\s*.{0,30}\((?:AP|Reuters|AFP|CNN|Bloomberg|UPI|dpa)\)\s*[-–—]*\s*$/u,
  // Photo captions and credits.
  /^(?:photo|image|picture|video|file photo|caption|pictured|above|top|left|right|main image)\s*[:|]/i,
  /\((?:AP|Reuters|AFP|Getty Images|EPA)?\s*(?:photo|image|file photo|photograph)s?\b[^)]*\)\s*$/i,
  /\b(?:photo|image|picture)s?\s*(?:by|credit|courtesy)\s*:?\s*[\p{Lu}][^.]{0,60}\.?$/iu,
  /(?:\/\s*(?:getty images|ap|reuters|afp|shutterstock|bloomberg)|getty images)\)?\.?$/i,
  // Lead-ins to a quoted passage: "From the Associated Press:", "Here's what he said:".
  /:\s*$/,
  // A timestamp in any language: a short line with a year and a time of day, no sentence in it
  // ("sexta-feira, 22 de outubro de 2010 às 20:13", "22. Oktober 2019, 14:05 Uhr").
  /^(?=[^.!?]{0,90}$)(?=.*\b(?:19|20)\d{2}\b)(?=.*\b\d{1,2}[:h]\d{2}\b).*$/u,
  // Disclosures that open blog posts.
  /^(?:this (?:article|story|post|page|site|shop|video|review|content) (?:(?:may )?contains? (?:affiliate|sponsored|paid|referral)|(?:has been|was|is) (?:compensated|sponsored|paid for))\b|(?:disclosure|disclaimer)\s*[:—–-]|as an amazon associate\b)/i,
  // Editor's notes and boilerplate.
  /^(?:editor['’]s note|note|correction|clarification|disclosure|update)\s*[:—–-]/i,
  /^(?:this (?:article|story|post) (?:was|has been|is|contains)|this is a developing story|breaking news|sign up|subscribe)\b/i,
  /^(?:listen to (?:this|the) (?:article|story)|audio:|watch:|video:)/i,
  /^(?:advertisement|sponsored|share|tweet|comments?)\b.{0,20}$/i,
];

/** A line a lede never shows: page furniture, a byline, dateline, timestamp, caption, disclosure or lead-in. */
export function isNeverLede(line: string): boolean {
  const text = normalizeText(line);
  return text === '' || isFurnitureText(text) || NOT_A_LEDE.some((pattern) => pattern.test(text));
}

/** A paragraph that can open the story: prose, not a heading, label or furniture line. */
export function isSubstantiveParagraph(paragraph: string): boolean {
  const text = normalizeText(paragraph);
  if (text === '') return false;
  if (isFurnitureText(text)) return false;
  if (NOT_A_LEDE.some((pattern) => pattern.test(text))) return false;
  const words = countWords(text);
  // Headings and labels: short and without a sentence's closing punctuation.
  if (words < 8 && !/[.!?…。！？]["”’')\]」』）]*$/u.test(text)) return false;
  if (words < 4) return false;
  return true;
}

/**
 * Removes a dateline and byline prefix glued to the first sentence ("WASHINGTON (AP) — The …").
 * The sentence itself stays.
 */
function stripDateline(paragraph: string): string {
  return paragraph
    .replace(/^[\p{Lu}][\p{L}\s.,'’-]{1,40}(?:,\s*[\p{L}.\s]{1,30})?\s*\((?:AP|Reuters|AFP|CNN(?: Business| Politics)?|Bloomberg|UPI|dpa|CNBC|AP Photo|UPI|Xinhua|PTI|IANS|ANI|WNS)\)\s*[-–—:]*\s*/u, '')
    .replace(/^[\p{Lu}][\p{Lu}\s.'’-]{2,40}\s+[-–—]\s+(?=[\p{Lu}“"])/u, '');
}

function cutAtWord(text: string, maxWords: number): string {
  return `${leadingWords(text, maxWords).replace(/[\s,;:–—、，-]+$/u, '')}…`;
}

/**
 * Sentences as one text: Chinese and Japanese sentences follow each other without a space, and
 * a line that ends without a sentence's punctuation (a list item, a line of a post) is kept apart
 * from the next with " · " rather than run into it.
 */
export function joinSentences(sentences: readonly string[]): string {
  return sentences.reduce((text, sentence) => {
    if (text === '') return sentence;
    if (/[。！？」』）]$/u.test(text)) return text + sentence;
    return SENTENCE_END.test(text) || /[.…:;,—–-]$/u.test(text) ? `${text} ${sentence}` : `${text} · ${sentence}`;
  }, '');
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * True when `sentence` says nothing the headline has not: nearly all its words are the
 * headline's, and it carries most of them. A headline cut short ("…") does not restate the
 * sentence it was cut from.
 */
export function restatesHeadline(sentence: string, headline: string | undefined): boolean {
  if (!headline) return false;
  const cut = /…$/u.test(headline);
  const sentenceWords = words(sentence);
  const headlineWords = new Set(words(headline.replace(/…$/u, '')));
  if (sentenceWords.length === 0 || headlineWords.size === 0) return false;
  const shared = sentenceWords.filter((word) => headlineWords.has(word));
  // A headline cut from a long sentence shows only part of it: the sentence says more.
  if (shared.length / sentenceWords.length < (cut ? 1 : 0.8)) return false;
  return new Set(shared).size / headlineWords.size >= 0.6;
}

/**
 * Closing punctuation of a sentence, with any closing quotes and brackets after it. A trailing
 * ellipsis ("Please wait…") is not one: short lines ending in it are teasers and widget text.
 */
const SENTENCE_END = /(?<![.…])[.!?。！？]["”’')\]」』]*$/u;

/**
 * A paragraph too short to be substantive that still reads as a sentence of the story ("The
 * bridge reopened."): two words or more, opening like a sentence, with a lower-case word, and
 * closing with a sentence's punctuation; none of the lines a lede skips.
 */
export function isShortSentence(paragraph: string): boolean {
  const text = normalizeText(paragraph);
  if (countWords(text) < 2 || isFurnitureText(text)) return false;
  if (NOT_A_LEDE.some((pattern) => pattern.test(text))) return false;
  return /^["“‘'«„(]?[\p{Lu}\p{N}\p{Lo}]/u.test(text) && /(?:^|\s)["“‘'(]?\p{Ll}|\p{Lo}/u.test(text) && SENTENCE_END.test(text);
}

/**
 * A paragraph that is mainly a direct quotation (“…,” said Maria Lopez): at least half its
 * characters are inside quotation marks. Such a paragraph is the quote block's material, not
 * the lede's.
 */
export function isQuotationParagraph(paragraph: string): boolean {
  const text = normalizeText(paragraph);
  if (text === '') return false;
  let quoted = 0;
  for (const quotation of findQuotations([text])) quoted += quotation.close - quotation.open;
  return quoted >= text.length / 2;
}

/**
 * The lede: the first substantive paragraph (skipping bylines, datelines, captions, timestamps
 * and lead-ins ending in a colon), cut at a sentence boundary to the word budget. A short first
 * paragraph, or a story that opens with a short sentence ("The bridge reopened."), may be
 * followed by whole sentences of the next paragraph, unless that one is mainly a quotation (the
 * quote block shows it, and it must not repeat the lede). "…" marks a cut made inside a
 * paragraph; a first sentence longer than the budget is cut at a word boundary. With nothing
 * that reads as prose, the lede is empty.
 */
export function selectLede(paragraphs: string[], options: SelectLedeOptions = {}): string {
  const maxWords = Math.max(1, options.maxWords ?? DEFAULT_MAX_WORDS);
  const chosen: string[] = [];
  let used = 0;
  for (const raw of boundParagraphs(paragraphs)) {
    if (!isSubstantiveParagraph(raw) && !(chosen.length === 0 && isShortSentence(raw))) continue;
    if (chosen.length > 0 && isQuotationParagraph(raw)) break;
    const paragraph = stripDateline(normalizeText(raw));
    let sentences = splitSentences(paragraph);
    // An opening that only restates the headline gives way to what follows it.
    if (chosen.length === 0) {
      while (sentences.length > 0 && restatesHeadline(sentences[0]!, options.headline)) sentences = sentences.slice(1);
      if (sentences.length === 0) continue;
    }
    let taken = 0;
    for (const sentence of sentences) {
      const words = countWords(sentence);
      if (used + words > maxWords) break;
      chosen.push(sentence);
      used += words;
      taken += 1;
    }
    if (taken === 0) {
      // Nothing of this paragraph fits: cut its first sentence at a word boundary when the lede
      // is still empty, otherwise stop at the previous paragraph's end.
      if (chosen.length === 0) return cutAtWord(sentences[0] ?? paragraph, maxWords);
      break;
    }
    if (taken < sentences.length) {
      const lede = joinSentences(chosen);
      return /[。！？」』）]$/u.test(lede) ? `${lede}…` : `${lede} …`;
    }
    // A lede of half the budget or more is complete; a shorter one may take the next paragraph.
    if (used >= maxWords / 2) break;
  }
  return joinSentences(chosen);
}
