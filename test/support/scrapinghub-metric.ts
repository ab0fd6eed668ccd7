import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { corporaDir } from './corpora.js';

/**
 * The ScrapingHub article-extraction benchmark's metric (see ../shared/corpora/README.md):
 * 4-token shingles of `\w+` tokens, per-page tp/fp/fn normalised so each page weighs the same,
 * precision and recall averaged over pages, F1 of the two means.
 */

export const scrapinghubDir = path.join(corporaDir, 'scrapinghub');

export interface ScrapinghubPage {
  id: string;
  url: string;
  html: string;
  truth: string;
}

export function loadScrapinghubPages(): ScrapinghubPage[] {
  if (!existsSync(scrapinghubDir)) return [];
  return readdirSync(scrapinghubDir)
    .filter((id) => existsSync(path.join(scrapinghubDir, id, 'truth.json')))
    .sort()
    .map((id) => {
      const truth = JSON.parse(readFileSync(path.join(scrapinghubDir, id, 'truth.json'), 'utf8')) as { articleBody: string; url: string };
      return { id, url: truth.url, html: readFileSync(path.join(scrapinghubDir, id, 'page.html'), 'utf8'), truth: truth.articleBody };
    });
}

/** `\w+` with Unicode word characters, as the benchmark's Python `re` does by default. */
export function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{N}\p{M}_]+/gu) ?? [];
}

function shingles(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (shingle: string): void => {
    counts.set(shingle, (counts.get(shingle) ?? 0) + 1);
  };
  if (tokens.length === 0) return counts;
  if (tokens.length < 4) add(tokens.join(' '));
  else for (let index = 0; index + 4 <= tokens.length; index += 1) add(tokens.slice(index, index + 4).join(' '));
  return counts;
}

export interface PageScore {
  precision: number;
  recall: number;
}

/** Per-page precision and recall of predicted body text against the truth. */
export function scorePage(predicted: string, truth: string): PageScore {
  const predictedShingles = shingles(tokenize(predicted));
  const truthShingles = shingles(tokenize(truth));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [shingle, count] of predictedShingles) {
    const shared = Math.min(count, truthShingles.get(shingle) ?? 0);
    tp += shared;
    fp += count - shared;
  }
  for (const [shingle, count] of truthShingles) fn += count - Math.min(count, predictedShingles.get(shingle) ?? 0);
  const total = tp + fp + fn;
  if (total === 0) return { precision: 0, recall: 0 };
  const [t, p, n] = [tp / total, fp / total, fn / total];
  return { precision: t + p === 0 ? 0 : t / (t + p), recall: t + n === 0 ? 0 : t / (t + n) };
}

export interface CorpusScore {
  precision: number;
  recall: number;
  f1: number;
  pages: number;
}

/** Mean precision and recall over pages, and the F1 of those means. */
export function scoreCorpus(scores: PageScore[]): CorpusScore {
  const pages = scores.length;
  const precision = pages === 0 ? 0 : scores.reduce((sum, score) => sum + score.precision, 0) / pages;
  const recall = pages === 0 ? 0 : scores.reduce((sum, score) => sum + score.recall, 0) / pages;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, pages };
}
