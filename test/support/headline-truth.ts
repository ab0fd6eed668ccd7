import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { capAtWord } from '../../src/trim/select-headline.js';
import { repoRoot } from './corpora.js';
import { normaliseTitle } from './readability-corpus.js';

/**
 * The hand-checked headlines of the ScrapingHub pages (test/fixtures/scrapinghub-titles.json):
 * the headline a reader sees above each story, read off the page by a person, not produced by
 * the extractor or by Readability. README.md ("Extraction quality") says how they were made.
 */

export interface TitleTruth {
  id: string;
  url: string;
  /** The headline as the page shows it above the story. */
  headline: string;
  /** The element it was read from (`h1.entry-title`, `h2.article-title`, `p.titulo`). */
  element: string;
  /** Why, where the page's <title>, og:title or first <h1> say something else. */
  note?: string;
}

export const scrapinghubTitlesFile = path.join(repoRoot, 'test', 'fixtures', 'scrapinghub-titles.json');

export function loadScrapinghubTitles(): TitleTruth[] {
  if (!existsSync(scrapinghubTitlesFile)) return [];
  return (JSON.parse(readFileSync(scrapinghubTitlesFile, 'utf8')) as { pages: TitleTruth[] }).pages;
}

/** The digest's longest headline (limits.headlineLength's default). */
const HEADLINE_LENGTH = 120;

/**
 * Whether the headline shown is the page's headline: equal after normalising case, Unicode
 * compatibility forms, quote and dash styles and spaces. A headline longer than the digest's
 * 120 characters counts when it is shown cut at a word boundary with "…", as the digest cuts it.
 * Nothing else counts: a site name left on, a kicker dropped from the heading, or the
 * publisher's differently worded social or SEO title is a miss.
 */
export function showsHeadline(shown: string, truth: string): boolean {
  const normalised = normaliseTitle(shown);
  return normalised === normaliseTitle(truth) || normalised === normaliseTitle(capAtWord(truth, HEADLINE_LENGTH));
}
