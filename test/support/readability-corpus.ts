import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { corporaDir } from './corpora.js';

/**
 * The 130 pages of Mozilla Readability's test suite (../shared/corpora/readability): source
 * HTML, Readability's own output, and the metadata its tests expect (title among it).
 */

export const readabilityDir = path.join(corporaDir, 'readability');
/** The URL Readability's own tests give every page. */
export const readabilityPageUrl = 'http://fakehost/test/page.html';

export interface ReadabilityPage {
  name: string;
  html: string;
  /** expected.html: Readability's own extraction of the page. */
  expectedHtml: string;
  /** expected-metadata.json's title (null when the test expects none). */
  title: string | null;
}

export function loadReadabilityPages(): ReadabilityPage[] {
  if (!existsSync(readabilityDir)) return [];
  return readdirSync(readabilityDir)
    .filter((name) => existsSync(path.join(readabilityDir, name, 'source.html')))
    .sort()
    .map((name) => {
      const folder = path.join(readabilityDir, name);
      const metadata = JSON.parse(readFileSync(path.join(folder, 'expected-metadata.json'), 'utf8')) as { title?: string | null };
      return {
        name,
        html: readFileSync(path.join(folder, 'source.html'), 'utf8'),
        expectedHtml: readFileSync(path.join(folder, 'expected.html'), 'utf8'),
        title: metadata.title ?? null,
      };
    });
}

/** Case, Unicode compatibility forms, quote and dash styles and whitespace do not count. */
export function normaliseTitle(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[“”„‟"«»]/g, '"')
    .replace(/[‘’‚‛`´]/g, "'")
    .replace(/[‐‑‒–—―−]/g, '-')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/** Separators between a headline and the site, section or author around it in a page title. */
const TITLE_SEPARATOR = /\s+(?:\||-|–|—|·|•|::|»|«|\/\/?)\s+/;

/**
 * Whether `headline` is the title a reader sees, given the page title Readability's tests
 * expect. Readability keeps a site name or author in some titles ("… | eHow", "… - John C.
 * Welch - Medium") that the digest is meant to remove, so besides the exact title (normalised)
 * a run of its separator-delimited segments counts, when it keeps the title's longest segment:
 * dropping " | eHow" passes, dropping the story and keeping "eHow" does not.
 */
export function headlineMatchesTitle(headline: string, title: string): { exact: boolean; matches: boolean } {
  const shown = normaliseTitle(headline);
  const expected = normaliseTitle(title);
  if (shown === expected) return { exact: true, matches: true };
  const segments = expected.split(TITLE_SEPARATOR);
  if (segments.length < 2) return { exact: false, matches: false };
  const longest = Math.max(...segments.map((segment) => segment.length));
  // Rebuild each contiguous run of segments with the separators the title has between them.
  const separators = [...expected.matchAll(new RegExp(TITLE_SEPARATOR.source, 'g'))].map((match) => match[0]);
  for (let start = 0; start < segments.length; start += 1) {
    let run = '';
    let runLongest = 0;
    for (let end = start; end < segments.length; end += 1) {
      run = end === start ? (segments[end] ?? '') : run + (separators[end - 1] ?? ' ') + (segments[end] ?? '');
      runLongest = Math.max(runLongest, segments[end]?.length ?? 0);
      if (run === shown && runLongest === longest) return { exact: false, matches: true };
    }
  }
  return { exact: false, matches: false };
}
