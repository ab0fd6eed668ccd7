import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';
import type { FeedSource } from '../types.js';

/**
 * One filter term (see feed-filters.ts): words ("premier league": those words, in that order, as
 * whole words, in any case) or a regular expression written `/pattern/flags`.
 *
 * Feed text comes from strangers, so a user's pattern never runs on the backtracking engine (a
 * pattern like `(a+)+$` on a hostile title would hang a backtracking engine for hours): patterns
 * run on RE2JS, the JavaScript port of RE2, whose matching time is linear in the text whatever
 * the pattern. Word terms are escaped literals with fixed boundaries, safe on the built-in engine
 * and faster there. Matching ignores case; a pattern can ask for exact case with RE2's `(?-i)`.
 *
 * Light on purpose: config validation compiles every term, and loads RE2JS only for a pattern.
 */

export interface FilterTerm {
  /** As written in the config: `premier league` or `/sponsor(ed)?/i`. */
  source: string;
  test(text: string): boolean;
  /** For a pattern: its RE2 source with its flags inlined, so several can run as one. */
  re2?: string;
}

/** Whether a feed has any filter set: only then is feed-filters.ts loaded. */
export function hasFilters(source: Pick<FeedSource, 'include' | 'exclude' | 'minWords'>): boolean {
  return Boolean(source.include?.length || source.exclude?.length || source.minWords);
}

/** The problem with a term, in words for the config error; undefined when it compiles. */
export function filterTermProblem(source: string): string | undefined {
  try {
    compileFilterTerm(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const REGEX_TERM = /^\/(.+)\/([a-z]*)$/s;

/** Flags a pattern may carry. `i` and `u` change nothing (always on); `g` and `y` mean nothing for a yes/no test. */
const ALLOWED_FLAGS = new Set(['i', 'm', 's', 'u', 'g', 'y']);

export function compileFilterTerm(source: string): FilterTerm {
  const regex = REGEX_TERM.exec(source);
  if (regex) return compilePattern(source, regex[1]!, regex[2]!);
  return compileWords(source);
}

let re2: typeof RE2JSClass | undefined;

/**
 * RE2JS is loaded the first time a config uses a pattern (about 80 ms on a busy machine), so
 * configs without one, and every command that never filters, do not pay for it. Synchronous,
 * because config validation is.
 */
export function loadRe2(): typeof RE2JSClass {
  re2 ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS;
  return re2;
}

function compilePattern(source: string, pattern: string, flags: string): FilterTerm {
  const unknown = [...flags].filter((flag) => !ALLOWED_FLAGS.has(flag));
  if (unknown.length > 0) {
    throw new Error(`${source}: unknown flag${unknown.length === 1 ? '' : 's'} "${unknown.join('')}" (allowed: i, m, s; matching ignores case unless the pattern starts with (?-i))`);
  }
  const RE2JS = loadRe2();
  // Flags inlined as a group, the same pattern whether it runs alone or with others.
  const re2 = `(?i${flags.includes('m') ? 'm' : ''}${flags.includes('s') ? 's' : ''}:${pattern})`;
  let compiled: RE2JSClass;
  try {
    // Compiled alone first, so a mistake is reported in the pattern's own terms.
    RE2JS.compile(pattern);
    compiled = RE2JS.compile(re2);
  } catch (error) {
    const detail = (error as Error).message.replace(/^error parsing regexp: /, '');
    const unsupported = /\(\?[=!<]|\\[1-9]|\\k</.test(pattern)
      ? '; look-ahead, look-behind and back-references are not supported (they are what makes a pattern slow on hostile text)'
      : '';
    throw new Error(`${source} is not a usable pattern: ${detail}${unsupported}`);
  }
  return { source, re2, test: (text) => compiled.test(text) };
}

/** Letters, digits and underscore: a word term must not touch one on either side. */
const WORD_EDGE_BEFORE = '(?<![\\p{L}\\p{N}\\p{M}_])';
const WORD_EDGE_AFTER = '(?![\\p{L}\\p{N}\\p{M}_])';
/** Chinese and Japanese are written without spaces: there a term matches anywhere. */
const UNSPACED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;

function compileWords(source: string): FilterTerm {
  const words = source.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new Error('an empty filter term: write a word, or a pattern like /sponsor(ed)?/');
  const body = words.map((word) => word.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('\\s+');
  const unspaced = UNSPACED.test(source);
  const compiled = new RegExp(unspaced ? body : `${WORD_EDGE_BEFORE}${body}${WORD_EDGE_AFTER}`, 'iu');
  return { source, test: (text) => compiled.test(text) };
}
