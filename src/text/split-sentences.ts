/**
 * Sentence splitting good enough for news prose: a sentence ends at . ! ? or … (plus any closing
 * quotes and brackets) followed by a space and something that can start a sentence. Common
 * abbreviations, titles, initials and "U.S."-style acronyms do not end sentences.
 */

const ABBREVIATIONS = new Set(
  [
    'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'rev', 'fr', 'st', 'sr', 'jr', 'sen', 'rep', 'gov', 'gen', 'lt', 'col', 'sgt',
    'capt', 'cpt', 'cmdr', 'adm', 'maj', 'pres', 'supt', 'det', 'insp', 'hon', 'atty', 'messrs', 'mmes', 'msgr',
    'inc', 'corp', 'co', 'ltd', 'llc', 'plc', 'bros', 'dept', 'univ', 'assn', 'est', 'no', 'nos', 'vs', 'v', 'etc', 'al',
    'approx', 'fig', 'vol', 'ed', 'eds', 'op', 'cit', 'ca', 'cf', 'pp', 'mt', 'ft', 'ave', 'blvd', 'rd', 'hwy',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
    'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
    'ala', 'ariz', 'ark', 'calif', 'colo', 'conn', 'del', 'fla', 'ga', 'ill', 'ind', 'kan', 'ky', 'la', 'md', 'mass',
    'mich', 'minn', 'miss', 'mo', 'mont', 'neb', 'nev', 'okla', 'ore', 'pa', 'tenn', 'tex', 'va', 'vt', 'wash', 'wis', 'wyo',
  ],
);

/** Closing quotes and brackets that may follow a sentence's final punctuation. */
const CLOSERS = `"'”’»)\\]`;
/**
 * A sentence end: . ! ? … followed by a space, or a Chinese/Japanese full stop, exclamation or
 * question mark (those need no space after them).
 */
const END = new RegExp(`[.!?…]+[${CLOSERS}]*(?=\\s+)|[。！？]+[${CLOSERS}」』）]*`, 'g');
/** What may start the next sentence: a capital, a digit, or an opening quote/bracket. */
const STARTER = /^\s+["'“‘«„(\[]*[\p{Lu}\p{N}]/u;

/** Longest word looked at before a full stop: abbreviations are short, and the look stays bounded. */
const WORD_WINDOW = 40;

function isAbbreviation(text: string, end: number): boolean {
  // The word right before the full stop, within a bounded window: matching an end-anchored
  // pattern against everything before it would make long paragraphs quadratic.
  const from = Math.max(0, end - WORD_WINDOW);
  const before = text.slice(from, end);
  const match = /(?:^|[\s(“"‘'])([\p{L}.]+)$/u.exec(before);
  if (!match) return false;
  // A run of letters filling the whole window started before it: too long to be an abbreviation.
  if (match.index === 0 && from > 0 && !/^[\s(“"‘']/u.test(match[0])) return false;
  const word = match[1] ?? '';
  if (/^\p{Lu}$/u.test(word)) return true; // An initial: "John F. Kennedy".
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) return true; // "U.S", "a.m", "e.g".
  return ABBREVIATIONS.has(word.toLowerCase());
}

/** Splits one paragraph into sentences, each trimmed, punctuation kept. */
export function splitSentences(paragraph: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  END.lastIndex = 0;
  for (let match = END.exec(paragraph); match; match = END.exec(paragraph)) {
    const stop = match.index + match[0].length;
    const punctuation = match[0];
    if (/^\.(?!\.)/.test(punctuation) && isAbbreviation(paragraph, match.index)) continue;
    if (!/[。！？]/.test(punctuation) && !STARTER.test(paragraph.slice(stop, stop + WORD_WINDOW))) continue;
    const sentence = paragraph.slice(start, stop).trim();
    if (sentence !== '') sentences.push(sentence);
    start = stop;
  }
  const rest = paragraph.slice(start).trim();
  if (rest !== '') sentences.push(rest);
  return sentences;
}
