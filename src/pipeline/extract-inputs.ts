import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ParseError } from '../errors.js';
import { fetchResource, type FetchOptions } from '../fetch/fetch-resource.js';
import { parseTextArticle, type ArticleInput } from '../clean/clean-article.js';
import { extractArticle } from '../trim/extract-article.js';
import type { Quote, StoryImage } from '../types.js';

export interface ExtractResult {
  input: string;
  headline: string;
  lede: string;
  quote: Quote | null;
  text: string;
  image: StoryImage | null;
}

export interface ExtractOptions {
  ledeMaxWords?: number;
  headlineMaxLength?: number;
  fetch?: Partial<FetchOptions>;
}

const HTML_START = /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const HTML_TAGS = /<(p|div|article|section|h[1-6]|br|span|a)\b[^>]*>/gi;

/** Whether a document is HTML, or plain text like the seed (title on line 1, blank-line paragraphs). */
export function looksLikeHtml(text: string): boolean {
  if (HTML_START.test(text)) return true;
  return (text.match(HTML_TAGS)?.length ?? 0) >= 3;
}

/**
 * `digest extract`: reads one article (a file or a URL), cleans it and trims it into blocks.
 * URLs given on the command line are the user's own choice, so private addresses are allowed.
 */
export async function extractInput(input: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const isUrl = /^https?:\/\//i.test(input);
  const fetched = await fetchResource(input, { allowPrivateNetwork: true, ...options.fetch });
  const body = fetched.text ?? '';
  if (!body.trim()) {
    throw new ParseError('EXTRACT_EMPTY', `${input}: the ${isUrl ? 'page' : 'file'} is empty`, {
      context: isUrl ? { feed: input } : { file: input },
      hint: 'Give an HTML page, or plain text with the title on line 1 and paragraphs separated by blank lines.',
    });
  }
  const url = isUrl ? fetched.url : pathToFileURL(path.resolve(input)).href;
  const article: ArticleInput = looksLikeHtml(body) ? { html: body, url } : parseTextArticle(body);
  const blocks = extractArticle(article, {
    ...(options.ledeMaxWords ? { ledeMaxWords: options.ledeMaxWords } : {}),
    ...(options.headlineMaxLength ? { headlineMaxLength: options.headlineMaxLength } : {}),
  });
  return { input, headline: blocks.headline, lede: blocks.lede, quote: blocks.quote, text: blocks.text, image: blocks.image };
}
