import { decodeHTML } from 'entities';
import type { RE2JS as RE2JSClass } from 're2js';
import { countWords } from '../text/plain-text.js';
import type { FeedSource, RawItem } from '../types.js';
import { compileFilterTerm, loadRe2, type FilterTerm } from './filter-terms.js';

/**
 * Per-feed filters (`include`, `exclude`, `minWords`): which stories of a noisy feed are held
 * back. Terms (filter-terms.ts: words, or `/patterns/` on RE2JS) match the headline and the text
 * the feed carries, case-insensitively. buildDigest loads this module only when a feed has
 * filters, so a run without any never loads the entity tables or the word counter.
 */

/** The terms of one `include` or `exclude` list. */
export interface TermList {
  terms: FilterTerm[];
  /** The first term that matches `text`, if any. */
  find(text: string): FilterTerm | undefined;
}

export interface CompiledFilters {
  include: TermList;
  exclude: TermList;
  minWords: number;
}

/**
 * A list of terms. Its patterns also run as one alternation: one pass over the text answers
 * "does any of them match?" (RE2's automaton follows all of them at once), and only when one
 * does are they tried one by one, to name it.
 */
function termList(terms: FilterTerm[]): TermList {
  const patterns = terms.filter((term) => term.re2 !== undefined);
  let combined: RE2JSClass | undefined;
  if (patterns.length > 1) {
    try {
      combined = loadRe2().compile(patterns.map((term) => term.re2).join('|'));
    } catch {
      combined = undefined; // each compiled on its own; run them one by one
    }
  }
  return {
    terms,
    find(text) {
      if (combined && !combined.test(text)) return terms.find((term) => term.re2 === undefined && term.test(text));
      return terms.find((term) => term.test(text));
    },
  };
}

export function compileFilters(source: Pick<FeedSource, 'include' | 'exclude' | 'minWords'>): CompiledFilters | undefined {
  const include = (source.include ?? []).map(compileFilterTerm);
  const exclude = (source.exclude ?? []).map(compileFilterTerm);
  const minWords = source.minWords ?? 0;
  if (include.length === 0 && exclude.length === 0 && minWords === 0) return undefined;
  return { include: termList(include), exclude: termList(exclude), minWords };
}

/** Tags out (a `<` starts a new tag, so a run of `<` without `>` stays linear), entities decoded. */
function plainText(html: string): string {
  return decodeHTML(html.replace(/<[^<>]*>/g, ' '));
}

/** What filters read: the headline, and the text the feed carries (full content, else its teaser). */
export function filterText(item: RawItem): { headline: string; body: string } {
  return {
    headline: plainText(item.title ?? ''),
    body: plainText(item.contentHtml ?? item.contentText ?? item.summary ?? ''),
  };
}

function quoted(term: FilterTerm): string {
  return term.source.startsWith('/') ? term.source : JSON.stringify(term.source);
}

/**
 * Why the filters hold `item` back, for `--explain` and the state (`exclude "sport"`,
 * `include: none of "rust", /wasm/`, `minWords 100: 42 words`); undefined when it passes.
 */
export function filterReason(item: RawItem, filters: CompiledFilters): string | undefined {
  const { headline, body } = filterText(item);
  if (filters.minWords > 0) {
    const words = countWords(body);
    if (words < filters.minWords) return `minWords ${filters.minWords}: ${words} word${words === 1 ? '' : 's'}`;
  }
  // Each is matched on its own, so ^ and $ mean the start and end of the headline, or of the text.
  const excluded = filters.exclude.find(headline) ?? filters.exclude.find(body);
  if (excluded) return `exclude ${quoted(excluded)}`;
  if (filters.include.terms.length > 0 && !filters.include.find(headline) && !filters.include.find(body)) {
    return `include: none of ${filters.include.terms.map(quoted).join(', ')}`;
  }
  return undefined;
}
