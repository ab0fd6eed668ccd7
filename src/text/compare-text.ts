import { normalizeText } from './whitespace.js';

/**
 * Text reduced for comparing one rendering of a phrase with another: whitespace normalised, lower
 * case, every run of punctuation and spaces one space ("The Day’s News!" → "the day s news").
 * Headings against titles, captions against credits, quotations against paragraphs all compare so.
 */
export function comparableText(text: string): string {
  return normalizeText(text).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * A site's name reduced for matching against a title segment: also without a leading "The" or
 * "www." and a trailing top-level domain, and without spaces ("The Coast Gazette" and
 * "coastgazette.com" both give "coastgazette").
 */
export function siteNameKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/^(?:the|www)\s*\.?\s*/, '')
    .replace(/\.(?:com|org|net|co\.uk|co|io|news|info|uk|de|fr|in|us)$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
