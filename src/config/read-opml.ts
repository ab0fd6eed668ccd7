import { decodeXML } from 'entities';
import { DOMParser } from 'linkedom';
import { shortFeedName } from '../parse/feed-name.js';
import type { FeedSource } from '../types.js';

export interface ReadOpmlOptions {
  /**
   * Shorten each outline's title to the site's name (`digest feeds import`): readers export the
   * feed's raw `<title>`, "The Latest News from the UK and Around the World | Sky News".
   */
  shortNames?: boolean;
}

/**
 * Reads the subscriptions of an OPML file (the format feed readers export). Folders become
 * sections: an outline without xmlUrl that holds feeds names the section of the feeds inside it.
 * An outline marked `isComment="true"` (OPML 2.0: commented out, with everything inside it) is a
 * paused feed; `digest feeds export` writes paused feeds that way.
 */
export function readOpml(xml: string, options: ReadOpmlOptions = {}): FeedSource[] {
  if (!/<opml[\s>]/i.test(xml)) throw new Error('not an OPML file (no <opml> element)');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const feeds: FeedSource[] = [];
  // linkedom's XML mode leaves character references in attribute values as written ("B &amp; C").
  const attribute = (element: Element, name: string): string | undefined => {
    const value = element.getAttribute(name) ?? element.getAttribute(name.toLowerCase());
    return value === null ? undefined : decodeXML(value);
  };
  const walk = (parent: Element, section: string | undefined, commented: boolean): void => {
    for (const child of Array.from(parent.children)) {
      if (child.tagName.toLowerCase() !== 'outline') continue;
      const xmlUrl = attribute(child, 'xmlUrl');
      const label = (attribute(child, 'title') ?? attribute(child, 'text') ?? '').trim();
      const paused = commented || attribute(child, 'isComment')?.trim().toLowerCase() === 'true';
      if (xmlUrl && xmlUrl.trim()) {
        const feed: FeedSource = { url: xmlUrl.trim() };
        const siteUrl = attribute(child, 'htmlUrl');
        const name = options.shortNames ? shortFeedName(label, [siteUrl, feed.url]) : label;
        if (name) feed.name = name;
        if (section) feed.section = section;
        if (paused) feed.paused = true;
        feeds.push(feed);
      }
      walk(child, xmlUrl ? section : label || section, paused);
    }
  };
  const body = doc.querySelector('body');
  if (!body) throw new Error('not an OPML file (no <body> element)');
  walk(body, undefined, false);
  return feeds;
}
