import { decodeHtmlText } from '../clean/decode-html-text.js';
import { shapeHeadline, type SelectHeadlineOptions } from './shape-headline.js';

export { capAtWord, headlineFromText, shapeHeadline, type SelectHeadlineOptions } from './shape-headline.js';

/**
 * The headline as the digest shows it: tags and entities decoded, whitespace normalised, the
 * site name removed from either end when it looks like one, kickers ("NO DEAL: …") kept, and
 * capped at a word boundary with "…".
 */
export function selectHeadline(title: string, options: SelectHeadlineOptions = {}): string {
  return shapeHeadline(decodeHtmlText(title), options);
}
