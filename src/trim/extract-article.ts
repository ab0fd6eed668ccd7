import { cleanArticle, type ArticleInput } from '../clean/clean-article.js';
import type { Blocks, CleanArticle } from '../types.js';
import { trimArticle, type TrimOptions } from './trim-article.js';

export type ExtractOptions = TrimOptions;

export interface ExtractedArticle extends Blocks {
  /** The cleaned body as plain text: paragraphs separated by blank lines. */
  text: string;
}

/** Cleans then trims one article: what `digest extract` shows for a page or feed item. */
export function extractArticle(input: ArticleInput, options: ExtractOptions = {}): ExtractedArticle {
  return extractCleaned(cleanArticle(input), options);
}

/** Trims an article already cleaned (the pipeline cleans a linked page once to judge it). */
export function extractCleaned(article: CleanArticle, options: ExtractOptions = {}): ExtractedArticle {
  const blocks = trimArticle(article, options);
  return { ...blocks, text: article.paragraphs.join('\n\n') };
}
