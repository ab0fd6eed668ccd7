import { capAtWord, countWords } from '../text/plain-text.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { describeError } from '../errors.js';
import type { Candidate } from '../select/select-items.js';
import { extractCleaned } from '../trim/extract-article.js';
import type { ArticleInput, CleanArticle, DigestItem, RawItem } from '../types.js';

/** Words of a feed text (tags ignored). */
export function wordCount(text: string | undefined): number {
  return text ? countWords(text.replace(/<[^>]*>/g, ' ')) : 0;
}

/**
 * The feed's own text for an item, as the clean stage reads it. The full content (content:encoded,
 * Atom content, JSON Feed content_html / content_text) wins unless the summary says more: a
 * content that is only an embed or a picture gives way to the summary beside it.
 */
export function feedArticle(item: RawItem): ArticleInput {
  const content = item.contentHtml ?? item.contentText;
  const useSummary = item.summary !== undefined && (content === undefined || wordCount(item.summary) > wordCount(content));
  const html = useSummary ? item.summary : item.contentHtml;
  const text = useSummary || item.contentHtml ? undefined : item.contentText;
  const url = item.baseUrl ?? item.link;
  return { ...(item.title ? { title: item.title } : {}), ...(html ? { html } : {}), ...(text ? { text } : {}), ...(url ? { url } : {}) };
}

/**
 * The story a reader sees for one chosen item, from its cleaned article. Never "(untitled)": an
 * item without a title is headed by its first sentence (trim), else its image's description, else
 * the words of its link's last segment, else the feed's name and date.
 */
export function buildStory(candidate: Candidate, clean: () => CleanArticle, config: Pick<ResolvedConfig, 'limits' | 'timezone'>, warnings: string[]): DigestItem {
  const { item, feed } = candidate;
  const url = item.link ?? item.enclosure?.url ?? null;
  let blocks: Omit<DigestItem, 'id' | 'url' | 'feedName' | 'feedUrl' | 'section' | 'published' | 'alsoIn'>;
  try {
    blocks = extractCleaned(clean(), {
      ledeMaxWords: config.limits.ledeWords,
      headlineMaxLength: config.limits.headlineLength,
      siteName: feed.name,
      titleFromText: true,
      ...(item.images ? { feedImages: item.images } : {}),
    });
  } catch (error) {
    warnings.push(`${feed.name}: "${item.title ?? item.link ?? candidate.id}" could not be cleaned (${describeError(error)}); shown with its title only`);
    blocks = { headline: capAtWord(item.title ?? '', config.limits.headlineLength), lede: '', quote: null, image: null, text: '' };
  }
  const headline =
    blocks.headline ||
    (blocks.image?.alt ? capAtWord(blocks.image.alt, config.limits.headlineLength) : '') ||
    headlineFromUrl(url, config.limits.headlineLength) ||
    `${feed.name}${item.published ? `, ${item.published.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: config.timezone })}` : ''}`;
  return {
    id: candidate.id,
    url,
    feedName: feed.name,
    feedUrl: feed.source.url,
    section: feed.section,
    published: item.published ?? null,
    headline,
    lede: blocks.lede,
    quote: blocks.quote,
    image: blocks.image,
    text: blocks.text,
    alsoIn: candidate.alsoIn,
  };
}

/** "https://ex.com/2024/05/harbour-bridge-reopens.html" → "Harbour bridge reopens"; '' when the path says nothing. */
export function headlineFromUrl(url: string | null, maxLength: number): string {
  if (!url) return '';
  let segment: string;
  try {
    segment = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    return '';
  }
  const words = segment.replace(/\.[a-z0-9]{2,5}$/i, '').split(/[-_+\s]+/).filter((word) => /\p{L}/u.test(word) && !/^[0-9a-f]{8,}$/i.test(word));
  if (words.length < 2) return '';
  const text = words.join(' ');
  return capAtWord(text.charAt(0).toLocaleUpperCase() + text.slice(1), maxLength);
}
