import { comparableText } from '../text/compare-text.js';
import { countWords, normalizeText } from '../text/plain-text.js';
import type { Quote } from '../types.js';
import { attributeQuotations, type AttributedQuotation } from './attribute-quotations.js';
import { boundParagraphs } from './bound-paragraphs.js';
import { findQuotations } from './find-quotations.js';
import { splitSentences } from '../text/split-sentences.js';

export interface QuoteContext {
  headline: string;
  lede: string;
}

export interface SelectQuoteOptions {
  /** Longest quote shown, in words; longer ones are cut to their leading sentences. Default 45. */
  maxWords?: number;
  /** How the ranking weighs each signal; `QUOTE_WEIGHTS` by default (for evaluation). */
  weights?: QuoteWeights;
}

/**
 * What the ranking knows about a qualifying quotation, before weighting. Every signal is a
 * number, and a candidate's score is the sum of each signal times its weight.
 */
export interface QuoteSignals {
  /** Content words shared with the headline (at most 3). */
  headlineTerm: number;
  /** Content words shared with the lede (at most 3). */
  ledeTerm: number;
  /** How much of the quote's vocabulary recurs in the story (0–2). */
  vocabulary: number;
  /** 1 when the speaker is named in the headline. */
  speakerInHeadline: number;
  /** 1 when the speaker is named in the lede (and not in the headline). */
  speakerInLede: number;
  /** 1 when it starts like a statement (capital letter), else 0; and the reverse. */
  completeStart: number;
  incompleteStart: number;
  /** 1 when it ends like a statement (. ! ? or the comma of “…,” he said), else 0; and the reverse. */
  completeEnd: number;
  incompleteEnd: number;
  /** 1 for 8–35 words; 1 for more than 35 (shorter ones get neither). */
  goodLength: number;
  longLength: number;
  /** 1 for how the speaker was found: by name, by role, by pronoun, inherited from the quote before, or from context only. */
  named: number;
  role: number;
  pronoun: number;
  inherited: number;
  context: number;
  /** 1 when the verb marks a continuation ("added", "went on", "reiterated"). */
  continuation: number;
  /** 1 when the closing quotation mark is missing. */
  unclosed: number;
  /** Qualifying quotations before this one in the story. */
  order: number;
}

export type QuoteWeights = Record<keyof QuoteSignals, number>;

/**
 * The weights the key-quote ranking uses, tuned on the development half of quotes/dev.jsonl
 * only, by `bench/tune-quote-weights.ts` (the procedure is in test/support/quote-weights.ts: it
 * prefers weights whose neighbours do as well, not a peak). `npm run eval` reports the test
 * half, and how the figure spreads over neighbouring weights. What they say: key quotes come
 * early in a story (each qualifying quotation before a candidate costs it 0.75); complete
 * statements of some length, whose speaker the lede names, are what editors pick; overlap with
 * the headline's words counts a little, with the lede's not at all (the lede is never repeated).
 */
export const QUOTE_WEIGHTS: Readonly<QuoteWeights> = Object.freeze({
  headlineTerm: 0.5,
  ledeTerm: 0,
  vocabulary: 0.5,
  speakerInHeadline: 1,
  speakerInLede: 3,
  completeStart: 1,
  incompleteStart: -1,
  completeEnd: 1,
  incompleteEnd: -1,
  goodLength: 2,
  longLength: 3,
  named: 0.75,
  role: 1,
  pronoun: 0,
  inherited: 0.75,
  context: -1,
  continuation: -1,
  unclosed: -1,
  order: -0.75,
});

/** A candidate's score under `weights`. */
export function scoreQuote(signals: QuoteSignals, weights: Readonly<QuoteWeights> = QUOTE_WEIGHTS): number {
  let score = 0;
  for (const key of Object.keys(signals) as (keyof QuoteSignals)[]) score += signals[key] * weights[key];
  return score;
}

/** A candidate after filtering, with the text as it would be shown. */
export interface QuoteCandidate {
  quotation: AttributedQuotation;
  text: string;
  speaker: string;
  signals: QuoteSignals;
  score: number;
}

const DEFAULT_MAX_WORDS = 45;
/** Paragraphs searched for quotations. News stories put their key quote well before this. */
const MAX_PARAGRAPHS = 80;
/** Fewer words than this is a fragment or scare quote; complete statements may be a little shorter. */
const MIN_WORDS = 6;
const MIN_WORDS_COMPLETE = 5;

const STOPWORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with from as is are was were be been being it its this that these ' +
    'those there here he she they we you i me him her them us my your his our their what which who whom whose when where why how ' +
    'not no nor do does did done have has had having will would shall should can could may might must just very also too only ' +
    'than more most much many some any all each every other such own same about into over after before under again further ' +
    'once out up down off now said says say told get got going go make made like one two new says mr mrs ms dr'
  ).split(' '),
);

function stem(word: string): string {
  return word
    .toLowerCase()
    .replace(/[’']s$/, '')
    .replace(/(?:ing|ed|es|s|ly)$/, '')
    .slice(0, 7);
}

function contentStems(text: string): Set<string> {
  const stems = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}’'-]+/gu) ?? []) {
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    stems.add(stem(word));
  }
  return stems;
}


/** The quotation as shown: trailing comma (before "he said") removed, long ones cut to sentences. */
export function presentQuote(text: string, maxWords = DEFAULT_MAX_WORDS): string | undefined {
  let shown = normalizeText(text).replace(/[\s,;:–—-]+$/u, '');
  if (countWords(shown) > maxWords) {
    const sentences = splitSentences(shown);
    const kept: string[] = [];
    let words = 0;
    for (const sentence of sentences) {
      const count = countWords(sentence);
      if (words + count > maxWords) break;
      kept.push(sentence);
      words += count;
    }
    if (kept.length === 0) return undefined;
    shown = kept.join(' ').replace(/[\s,;:–—-]+$/u, '');
  }
  return shown;
}

/** Starts like a statement: a capital letter (after any opening bracket or ellipsis). */
function startsComplete(text: string): boolean {
  return /^[([…. ]*[\p{Lu}\p{N}]/u.test(text);
}

/** Ends like a statement: . ! ? (or the comma of “…,” he said), not mid-phrase. */
function endsComplete(text: string, quotation: AttributedQuotation): boolean {
  return /[.!?…]["”’')\]]*$/u.test(text) || (/,$/.test(quotation.text) && quotation.closed);
}

/** Titles of works, names and slogans: mostly capitalised words, no sentence punctuation. */
function looksLikeTitle(text: string): boolean {
  const words = text.split(/\s+/).filter((word) => /\p{L}/u.test(word));
  if (words.length === 0) return true;
  const capitalised = words.filter((word) => /^[\p{Lu}]/u.test(word)).length;
  return capitalised / words.length >= 0.7 && !/[.!?,]$/.test(text) && words.length <= 12;
}

/**
 * Joins a quotation interrupted by its attribution when the second part continues the same
 * sentence (“We will,” he said, “win this.”), which reads as one statement.
 */
function joinInterrupted(quotations: AttributedQuotation[], index: number, paragraphs: string[]): string {
  const quotation = quotations[index];
  const next = quotations[index + 1];
  if (!quotation || !next || next.paragraph !== quotation.paragraph || next.speaker !== quotation.speaker) return quotation?.text ?? '';
  const between = (paragraphs[quotation.paragraph] ?? '').slice(quotation.close, next.open);
  if (countWords(between) > 6 || !/,\s*$/.test(between) || !/,$/.test(quotation.text)) return quotation.text;
  if (!/^[\p{Ll}]/u.test(next.text)) return quotation.text;
  return `${quotation.text} ${next.text}`;
}

/** All quotations that qualify as the key quote, best first. */
export function rankQuotes(allParagraphs: string[], context: QuoteContext, options: SelectQuoteOptions = {}): QuoteCandidate[] {
  const maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
  const weights = options.weights ?? QUOTE_WEIGHTS;
  // Key quotes come early; very long documents (a Wikipedia page) are only read that far.
  const paragraphs = boundParagraphs(allParagraphs.slice(0, MAX_PARAGRAPHS));
  const quotations = attributeQuotations(paragraphs, findQuotations(paragraphs));
  const headline = contentStems(context.headline);
  const lede = contentStems(context.lede);
  const ledeText = comparableText(context.lede);
  const headlineText = comparableText(context.headline);
  // How often each content word occurs in the article: the story's own vocabulary (counted
  // only once some quotation qualifies).
  let counted: Map<string, number> | undefined;
  const frequencies = (): Map<string, number> => {
    if (counted) return counted;
    counted = new Map<string, number>();
    for (const paragraph of paragraphs) {
      for (const word of contentStems(paragraph)) counted.set(word, (counted.get(word) ?? 0) + 1);
    }
    return counted;
  };

  const candidates: QuoteCandidate[] = [];
  quotations.forEach((quotation, index) => {
    if (!quotation.speaker || quotation.passage || quotation.named) return;
    const joined = joinInterrupted(quotations, index, paragraphs);
    const text = presentQuote(joined, maxWords);
    if (!text) return;
    const words = countWords(text);
    const complete = startsComplete(text) && endsComplete(text, quotation);
    if (words < (complete ? MIN_WORDS_COMPLETE : MIN_WORDS)) return;
    if (looksLikeTitle(text)) return;
    const shown = comparableText(text);
    // Never repeat the lede (or the headline).
    if (shown.length > 0 && (ledeText.includes(shown) || (shown.includes(ledeText) && ledeText.length > 20) || headlineText.includes(shown))) return;

    const stems = contentStems(text);
    const frequency = frequencies();
    let headlineShared = 0;
    let ledeShared = 0;
    let vocabulary = 0;
    for (const word of stems) {
      if (headline.has(word)) headlineShared += 1;
      if (lede.has(word)) ledeShared += 1;
      vocabulary += Math.min(3, (frequency.get(word) ?? 1) - 1);
    }
    const speakerTokens = quotation.speaker.toLowerCase().split(/\s+/);
    const speakerInHeadline = speakerTokens.some((token) => token.length > 2 && headlineText.split(' ').includes(token));
    const speakerInLede = speakerTokens.some((token) => token.length > 2 && ledeText.split(' ').includes(token));
    const startsWell = startsComplete(text);
    const endsWell = endsComplete(text, quotation);
    const attribution = quotation.attribution ?? 'context';

    const signals: QuoteSignals = {
      headlineTerm: Math.min(3, headlineShared),
      ledeTerm: Math.min(3, ledeShared),
      vocabulary: Math.min(2, vocabulary / Math.max(4, stems.size)),
      speakerInHeadline: speakerInHeadline ? 1 : 0,
      speakerInLede: !speakerInHeadline && speakerInLede ? 1 : 0,
      completeStart: startsWell ? 1 : 0,
      incompleteStart: startsWell ? 0 : 1,
      completeEnd: endsWell ? 1 : 0,
      incompleteEnd: endsWell ? 0 : 1,
      goodLength: words >= 8 && words <= 35 ? 1 : 0,
      longLength: words > 35 ? 1 : 0,
      named: attribution === 'named' ? 1 : 0,
      role: attribution === 'role' ? 1 : 0,
      pronoun: attribution === 'pronoun' ? 1 : 0,
      inherited: attribution === 'inherited' ? 1 : 0,
      context: attribution === 'context' ? 1 : 0,
      continuation: quotation.verb && /^(?:re-?iterated|repeated|added|continued|went on)$/.test(quotation.verb) ? 1 : 0,
      unclosed: quotation.closed ? 0 : 1,
      order: candidates.length,
    };
    candidates.push({ quotation, text, speaker: quotation.speaker, signals, score: scoreQuote(signals, weights) });
  });
  return candidates.sort((a, b) => b.score - a.score);
}

/**
 * The key quote of an article: a verbatim direct quotation with its speaker, or null when
 * nothing qualifies (no quote is better than a wrong one). Scare quotes, fragments, titles and
 * passages quoted from other outlets are skipped; complete statements that share terms with the
 * headline and lede, early in the story, are preferred; the lede is never repeated.
 */
export function selectQuote(paragraphs: string[], context: QuoteContext, options: SelectQuoteOptions = {}): Quote | null {
  const best = rankQuotes(paragraphs, context, options)[0];
  return best ? { text: best.text, speaker: best.speaker } : null;
}
