import sax from 'sax';
import { publicHttpUrlProblem } from '../fetch/address-guard.js';
import { decodeBasicEntities } from '../text/basic-entities.js';
import { shortFeedName } from '../parse/feed-name.js';
import type { FeedSource } from '../types.js';

export interface ReadOpmlOptions {
  /**
   * Shorten each outline's title to the site's name (`digest feeds import`): readers export the
   * feed's raw `<title>`, "The Latest News from the UK and Around the World | Sky News".
   */
  shortNames?: boolean;
  /** readOpmlChecked: accept private and loopback addresses too (the config's fetch.allowPrivateArticles). */
  allowPrivate?: boolean;
}

/**
 * Reads the subscriptions of an OPML file (the format feed readers export). Folders become
 * sections: an outline without xmlUrl that holds feeds names the section of the feeds inside it.
 *
 * An outline marked `isComment="true"` (OPML 2.0: commented out, with everything inside it) is a
 * paused feed; `digest feeds export` writes paused feeds that way.
 *
 * Parsed with sax (strict XML, entities decoded exactly once): light enough that a config naming
 * an .opml feed list does not slow down every command that loads the config.
 */
export function readOpml(xml: string, options: ReadOpmlOptions = {}): FeedSource[] {
  if (!/<opml[\s>]/i.test(xml)) throw new Error('not an OPML file (no <opml> element)');
  const parser = sax.parser(true, { trim: false, normalize: false, lowercase: true });
  const feeds: FeedSource[] = [];
  // For each open <outline>: the section its children belong to, and whether it is commented out.
  const sections: (string | undefined)[] = [];
  const commented: boolean[] = [];
  let inBody = false;
  let sawBody = false;
  let depth = 0;
  let bodyDepth = -1;
  let failure: Error | undefined;
  parser.onerror = (error) => {
    failure ??= new Error(`not well-formed XML: ${error.message.split('\n')[0]}`);
    (parser as { error: Error | null }).error = null;
    parser.resume();
  };
  parser.onopentag = (tag) => {
    depth++;
    const name = tag.name.toLowerCase();
    if (name === 'body' && !sawBody) {
      inBody = true;
      sawBody = true;
      bodyDepth = depth;
      return;
    }
    if (name !== 'outline') {
      sections.push(sections.at(-1));
      commented.push(commented.at(-1) ?? false);
      return;
    }
    const attribute = (key: string): string | undefined => {
      for (const [k, v] of Object.entries(tag.attributes)) if (k.toLowerCase() === key) return typeof v === 'string' ? v : v.value;
      return undefined;
    };
    const parentSection = sections.at(-1);
    const xmlUrl = attribute('xmlurl')?.trim();
    // Names are plain text: sax decoded the XML once; an exporter that escaped twice
    // ("Q&amp;amp;A") is decoded once more, so no "BLOGS &AMP; MEDIA" reaches a heading.
    const label = decodeBasicEntities(attribute('title') ?? attribute('text') ?? '')
      .replace(/\s+/g, ' ')
      .trim();
    const paused = (commented.at(-1) ?? false) || attribute('iscomment')?.trim().toLowerCase() === 'true';
    if (inBody && xmlUrl) {
      const feed: FeedSource = { url: xmlUrl };
      const name = options.shortNames ? shortFeedName(label, [attribute('htmlurl'), xmlUrl]) : label;
      if (name) feed.name = name;
      if (parentSection) feed.section = parentSection;
      if (paused) feed.paused = true;
      feeds.push(feed);
    }
    sections.push(xmlUrl ? parentSection : label || parentSection);
    commented.push(paused);
  };
  parser.onclosetag = () => {
    if (depth === bodyDepth) inBody = false;
    else {
      sections.pop();
      commented.pop();
    }
    depth--;
  };
  parser.write(xml).close();
  if (!sawBody) throw failure ?? new Error('not an OPML file (no <body> element)');
  if (failure && feeds.length === 0) throw failure;
  return feeds;
}

export interface CheckedOpml {
  feeds: FeedSource[];
  /** Subscriptions left out, with why: not http(s) (file:, javascript:, a bare path), or a private address. */
  skipped: { feed: FeedSource; reason: string }[];
}

/**
 * The subscriptions of an OPML file that may become feeds: an export is someone else's list, so
 * each URL must be http(s) on a public address (publicHttpUrlProblem; a private one too with
 * `allowPrivate`); the others are named.
 */
export function readOpmlChecked(xml: string, options: ReadOpmlOptions = {}): CheckedOpml {
  const result: CheckedOpml = { feeds: [], skipped: [] };
  for (const feed of readOpml(xml, options)) {
    const reason = publicHttpUrlProblem(feed.url, { allowPrivate: options.allowPrivate ?? false });
    if (reason) result.skipped.push({ feed, reason });
    else result.feeds.push(feed);
  }
  return result;
}
