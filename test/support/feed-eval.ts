/**
 * How well the digest carries real feeds' own content through (issue 9), measured over the feed
 * corpus the way a new user meets it: each feed's own text only (no article pages fetched), every
 * item made into the story the email shows, rendered with the default theme.
 *
 * The stories come from the pipeline's own functions (parse → checkItems → feedArticle → clean →
 * buildStory → renderDigest). What each item *has* — text, declared image sizes — is read
 * independently from the raw file with a plain XML DOM (or JSON.parse), so a field the parser
 * misses still counts as text the reader should have seen.
 *
 * Figures, per 100 stories:
 * - headlines missing or a placeholder ("(untitled)");
 * - ledes empty although the item has text beyond its headline (≥ 3 words not in it);
 * - images rendered wider than the width the feed or the item's HTML declares for that file;
 * - entity leftovers ("&amp;", "&#8217;", "&lt;") in any text a reader sees: headline, lede, quote,
 *   speaker, feed and section names, image alt text; and in the names OPML imports give.
 *
 * Split: the project's fixed one (test/support/corpus-split.ts), with a file's path relative to
 * the feeds corpus as its id: development half (SHA-256 first hex digit 0–7) and test half (8–f).
 * Figures are quoted from the test half.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { DOMParser, parseHTML } from 'linkedom';

import { cleanArticle } from '../../src/clean/clean-article.js';
import { readOpml } from '../../src/config/read-opml.js';
import { sampleConfig } from '../../src/config/load-config.js';
import { decodeBody } from '../../src/fetch/decode-text.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { assembleDigest } from '../../src/pipeline/assemble-digest.js';
import { buildStory, feedArticle } from '../../src/pipeline/build-story.js';
import { checkItems } from '../../src/pipeline/check-items.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { itemId } from '../../src/select/item-id.js';
import type { FeedItems } from '../../src/select/select-items.js';
import type { DigestItem, RawItem } from '../../src/types.js';
import { feedsDir, repoRoot } from './corpora.js';
import { corpusHalf, type Half } from './corpus-split.js';

export type CorpusGroup = 'rsparser (real sites)' | 'feed-rs (real sites)' | 'spec examples';
export type Part = Half;

export interface EvalFile {
  /** Path relative to the feeds corpus. */
  file: string;
  group: CorpusGroup;
  part: Part;
}

/** Spec and reference examples in the other parsers' suites (not test cases of odd markup). */
const SPEC_EXAMPLE = /(?:^|\/)(?:[^/]*(?:spec|example|sample)[^/]*|(?:rss-0\d\d|rss-20|atom-0?3|atom-10|rdf-09|rdf-10|rss-ns|atom-ns|rdf-ns)\.xml)$/i;
/** feed-rs fixtures captured from real sites (its SOURCE.txt names them). */
const FEED_RS_REAL = /^feed-rs\/(?:atom\/atom_mediarss_[a-z]+_1|atom\/atom_example_reddit|jsonfeed\/jsonfeed_elastic_1\.1|rss0\/rss_0\.91_encoding_\d|rss1\/rss_1\.0_(?:biorxiv|debian|iso8859)|rss2\/rss_2\.0_(?:anchorfm|bbc|ch9|cloudflare|dbengines|element_io|[a-z_]+\d?))\.(?:xml|json)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** The corpus: rsparser's real feeds, feed-rs's real captures, and spec examples elsewhere. */
export function feedEvalFiles(): EvalFile[] {
  const files: EvalFile[] = [];
  for (const full of walk(feedsDir).sort()) {
    const file = path.relative(feedsDir, full).split(path.sep).join('/');
    if (/(?:^|\/)(?:LICENSE|SOURCE|README)[^/]*$/i.test(file) || /\.(?:md|txt)$/i.test(file)) continue;
    if (/\.serde\.json$|expected|\/opml\/|_derived\//i.test(file)) continue;
    let group: CorpusGroup | undefined;
    if (file.startsWith('rsparser/')) group = 'rsparser (real sites)';
    else if (FEED_RS_REAL.test(file) && !/(?:spec|example_\d)/.test(file)) group = 'feed-rs (real sites)';
    else if (SPEC_EXAMPLE.test(file) && !/feedsmith\/.*\.json$/.test(file)) group = 'spec examples';
    if (group) files.push({ file, group, part: corpusHalf(file) });
  }
  return files;
}

// ---------------------------------------------------------------- what the raw file has

interface TruthItem {
  /** Text of the item's description-like fields (description, summary, content, media:description, itunes:summary…). */
  text: string;
  title: string;
}

interface Truth {
  items: TruthItem[];
  /** Image URL → the widths declared for it anywhere in the file (attributes, srcset). */
  declaredWidths: Map<string, number[]>;
}

const TEXT_FIELDS = new Set(['description', 'summary', 'content', 'encoded', 'subtitle', 'body']);

function local(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}

function decodeXmlAttribute(value: string): string {
  return value.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (whole, dec: string, hex: string, named: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[named.toLowerCase()] ?? whole;
  });
}

function htmlText(html: string): string {
  if (!/[<&]/.test(html)) return html;
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return document.body.textContent ?? '';
}

function declare(map: Map<string, number[]>, url: string | null | undefined, width: number): void {
  if (!url || !(width > 0)) return;
  const list = map.get(url) ?? [];
  list.push(width);
  map.set(url, list);
}

/** A width in pixels ("460", "460px"); a percentage or anything else declares none. */
function pixelWidth(value: string | null): number {
  const match = /^\s*(\d+)\s*(?:px)?\s*$/i.exec(value ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

/** Sizes stated in HTML: <img width>, and srcset width descriptors. */
function declaredInHtml(html: string, map: Map<string, number[]>): void {
  if (!/<img/i.test(html)) return;
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  for (const img of Array.from(document.querySelectorAll('img, source'))) {
    declare(map, img.getAttribute('src'), pixelWidth(img.getAttribute('width')));
    for (const candidate of (img.getAttribute('srcset') ?? '').split(/,\s+/)) {
      const [url, descriptor] = candidate.trim().split(/\s+/);
      if (url && descriptor && /^\d+w$/.test(descriptor)) declare(map, url, Number.parseInt(descriptor, 10));
    }
  }
}

function xmlTruth(text: string): Truth | undefined {
  const declaredWidths = new Map<string, number[]>();
  let document: Document;
  try {
    document = new DOMParser().parseFromString(text.replace(/<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>/i, ''), 'text/xml') as unknown as Document;
  } catch {
    return undefined;
  }
  const items: TruthItem[] = [];
  for (const element of Array.from(document.querySelectorAll('*'))) {
    const name = local(element.tagName);
    const width = pixelWidth(element.getAttribute('width'));
    declare(declaredWidths, decodeXmlAttribute(element.getAttribute('url') ?? element.getAttribute('href') ?? ''), width);
    if (name !== 'item' && name !== 'entry') continue;
    const texts: string[] = [];
    let title = '';
    for (const child of Array.from(element.querySelectorAll('*'))) {
      const childName = local(child.tagName);
      if (childName === 'title' && !title) title = htmlText(child.textContent ?? '');
      if (!TEXT_FIELDS.has(childName)) continue;
      const value = child.textContent ?? '';
      declaredInHtml(value, declaredWidths);
      texts.push(htmlText(value));
    }
    items.push({ text: texts.join('\n'), title });
  }
  return { items, declaredWidths };
}

function jsonTruth(text: string): Truth | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    return undefined;
  }
  const declaredWidths = new Map<string, number[]>();
  const list = (data as { items?: unknown }).items;
  if (!Array.isArray(list)) return undefined;
  const items = list.map((entry: Record<string, unknown>) => {
    const html = typeof entry.content_html === 'string' ? entry.content_html : '';
    declaredInHtml(html, declaredWidths);
    const texts = [htmlText(html), entry.content_text, entry.summary].filter((v): v is string => typeof v === 'string');
    return { text: texts.join('\n'), title: typeof entry.title === 'string' ? entry.title : '' };
  });
  return { items, declaredWidths };
}

// ---------------------------------------------------------------- scoring

const ENTITY_LEFTOVER = /&(?:[a-z][a-z0-9]{1,31}|#\d{1,7}|#x[0-9a-f]{1,6});/i;
const PLACEHOLDER = /^\s*\(?\s*(?:untitled|no title|null|undefined)\s*\)?\s*$/i;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Words of the item's text that its headline does not already show. */
function wordsBeyond(text: string, headline: string): number {
  const shown = new Set(words(headline));
  return words(text).filter((word) => !shown.has(word)).length;
}

export interface Finding {
  file: string;
  kind: 'headline' | 'lede' | 'image' | 'entity';
  detail: string;
}

export interface PartFigures {
  files: number;
  /** Files that gave no stories (empty feeds, parse errors). */
  withoutStories: number;
  stories: number;
  badHeadlines: number;
  emptyLedes: number;
  /** Stories whose item has text beyond the headline (the denominator behind emptyLedes). */
  withText: number;
  images: number;
  /** Images whose width the story carries (declared, or implied by the address). */
  imagesSized: number;
  /** Images whose width the raw file declares (what "wider than declared" is judged against). */
  imagesOfKnownWidth: number;
  widerThanDeclared: number;
  entityLeftovers: number;
  opmlNames: number;
  opmlEntityLeftovers: number;
  findings: Finding[];
}

function emptyFigures(): PartFigures {
  return { files: 0, withoutStories: 0, stories: 0, badHeadlines: 0, emptyLedes: 0, withText: 0, images: 0, imagesSized: 0, imagesOfKnownWidth: 0, widerThanDeclared: 0, entityLeftovers: 0, opmlNames: 0, opmlEntityLeftovers: 0, findings: [] };
}

const NOW = new Date('2026-12-01T07:00:00Z');
const config = sampleConfig({ cwd: '/nonexistent', env: {} });
const templates = loadTemplates(path.join(repoRoot, 'templates/default'));
const settings = { ...renderSettings(config), maxHtmlBytes: null };

/** Where an item sat in the parsed feed (kept through the copies checkItems makes). */
const POSITION = Symbol('position');
type Positioned = RawItem & { [POSITION]?: number };

/** The stories the email would show for one feed file, and the HTML it renders them in. */
export async function storiesOf(
  file: string,
): Promise<{ parsedCount: number; positions: number[]; stories: DigestItem[]; html: string; warnings: string[] } | undefined> {
  const text = decodeBody(readFileSync(path.join(feedsDir, file)));
  const url = `https://corpus.example/${file}`;
  let parsed;
  try {
    parsed = await parseFeed(text, { url });
  } catch {
    return undefined;
  }
  const warnings: string[] = [];
  const name = parsed.title ?? path.basename(file);
  const feed: FeedItems = { source: { url }, name, section: name, items: [], firstRun: false };
  const items: Positioned[] = checkItems(name, url, parsed.items.map((item, index) => ({ ...item, [POSITION]: index })), NOW, warnings);
  const positions = items.map((item) => item[POSITION] ?? -1);
  const stories = items.map((item) => buildStory({ id: itemId(item, url), item, feed, alsoIn: [] }, () => cleanArticle(feedArticle(item)), config, warnings));
  const base = { parsedCount: parsed.items.length, positions, stories, warnings };
  if (stories.length === 0) return { ...base, html: '' };
  // Sections sort stories by date; the template shows them all (no size budget here).
  const rendered = await renderDigest(assembleDigest(config, stories, [], NOW), templates, settings, { validation: 'soft' });
  return { ...base, html: rendered.html };
}

/** Rendered <img> width attributes by src. */
function renderedWidths(html: string): Map<string, number> {
  const widths = new Map<string, number>();
  for (const tag of html.match(/<img\b[^>]*>/g) ?? []) {
    const src = /\ssrc="([^"]*)"/.exec(tag)?.[1];
    const width = /\swidth="(\d+)"/.exec(tag)?.[1];
    if (src && width) widths.set(decodeXmlAttribute(src), Number(width));
  }
  return widths;
}

export async function evaluateFeedFile(entry: EvalFile, into: PartFigures): Promise<void> {
  into.files++;
  const result = await storiesOf(entry.file);
  if (!result || result.stories.length === 0) {
    into.withoutStories++;
    return;
  }
  const raw = decodeBody(readFileSync(path.join(feedsDir, entry.file)));
  const truth = entry.file.endsWith('.json') ? jsonTruth(raw) : xmlTruth(raw);
  const rendered = renderedWidths(result.html);
  const note = (kind: Finding['kind'], detail: string): void => void into.findings.push({ file: entry.file, kind, detail });

  // The raw items line up with the parsed ones when the counts agree (the parser keeps document
  // order and drops only items with nothing in them); otherwise the text is not judged.
  const aligned = truth !== undefined && truth.items.length === result.parsedCount;
  if (!aligned) note('lede', `items not aligned with the raw file (${truth?.items.length ?? 'unreadable'} raw, ${result.parsedCount} parsed): ledes not judged`);
  result.stories.forEach((story, index) => {
    into.stories++;
    if (!story.headline || PLACEHOLDER.test(story.headline)) {
      into.badHeadlines++;
      note('headline', JSON.stringify(story.headline));
    }
    const itemText = aligned ? (truth.items[result.positions[index]!]?.text ?? '') : '';
    if (wordsBeyond(itemText, story.headline) >= 3) {
      into.withText++;
      if (story.lede === '') {
        into.emptyLedes++;
        note('lede', `${JSON.stringify(story.headline)} has text: ${JSON.stringify(itemText.replace(/\s+/g, ' ').trim().slice(0, 120))}`);
      }
    }
    if (story.image) {
      into.images++;
      if (story.image.width !== null) into.imagesSized++;
      const declared = truth?.declaredWidths.get(story.image.url);
      const shown = rendered.get(story.image.url);
      if (declared && declared.length > 0) {
        into.imagesOfKnownWidth++;
        const widest = Math.max(...declared);
        if (shown !== undefined && shown > widest) {
          into.widerThanDeclared++;
          note('image', `${story.image.url} shown ${shown} px wide, declared ${declared.join('/')} px`);
        }
      }
    }
    const texts = [story.headline, story.lede, story.quote?.text, story.quote?.speaker, story.feedName, story.section, story.image?.alt];
    const leftover = texts.find((value) => value && ENTITY_LEFTOVER.test(value));
    if (leftover) {
      into.entityLeftovers++;
      note('entity', JSON.stringify(leftover.slice(0, 120)));
    }
  });
}

/** OPML files of the corpus: names and sections as `digest feeds import` would write them. */
export function evaluateOpml(file: string, into: PartFigures): void {
  const feeds = readOpml(decodeBody(readFileSync(path.join(feedsDir, file))));
  for (const feed of feeds) {
    for (const value of [feed.name, feed.section]) {
      if (!value) continue;
      into.opmlNames++;
      if (ENTITY_LEFTOVER.test(value)) {
        into.opmlEntityLeftovers++;
        into.findings.push({ file, kind: 'entity', detail: JSON.stringify(value) });
      }
    }
  }
}

export interface FeedEvaluation {
  byPart: Record<Part, PartFigures>;
  byGroup: Record<string, PartFigures>;
}

/** Runs the whole corpus; every file counts in its part and in its group. */
export async function evaluateFeeds(): Promise<FeedEvaluation> {
  const byPart: Record<Part, PartFigures> = { development: emptyFigures(), test: emptyFigures() };
  const byGroup: Record<string, PartFigures> = {};
  for (const entry of feedEvalFiles()) {
    const figures = emptyFigures();
    if (entry.file.endsWith('.opml')) evaluateOpml(entry.file, figures);
    else await evaluateFeedFile(entry, figures);
    addFigures(byPart[entry.part], figures);
    addFigures((byGroup[`${entry.group}, ${entry.part}`] ??= emptyFigures()), figures);
  }
  return { byPart, byGroup };
}

function addFigures(into: PartFigures, from: PartFigures): void {
  for (const key of Object.keys(from) as (keyof PartFigures)[]) {
    if (key === 'findings') into.findings.push(...from.findings);
    else into[key] += from[key];
  }
}

/** Per 100 stories, one decimal. */
export function per100(count: number, stories: number): string {
  return stories === 0 ? '–' : ((count * 100) / stories).toFixed(1);
}
