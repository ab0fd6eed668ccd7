import { DOMParser } from 'linkedom';
import { decodeEntities } from '../clean/normalize-text.js';
import { plainTitle } from '../parse/feed-text.js';
import type { FeedSource } from '../types.js';

/**
 * Reads the subscriptions of an OPML file (the format feed readers export). Folders become
 * sections: an outline without xmlUrl that holds feeds names the section of the feeds inside it.
 * Names are plain text ("BLOGS & MEDIA", never "BLOGS &amp; MEDIA").
 */
export function readOpml(xml: string): FeedSource[] {
  if (!/<opml[\s>]/i.test(xml)) throw new Error('not an OPML file (no <opml> element)');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const feeds: FeedSource[] = [];
  const walk = (parent: Element, section: string | undefined): void => {
    for (const child of Array.from(parent.children)) {
      if (child.tagName.toLowerCase() !== 'outline') continue;
      // linkedom's XML mode leaves character references in attribute values as written: decode
      // them here, once (and names once more when the exporter escaped them twice).
      const rawUrl = child.getAttribute('xmlUrl') ?? child.getAttribute('xmlurl');
      const xmlUrl = rawUrl === null ? null : decodeEntities(rawUrl);
      const label = plainTitle(child.getAttribute('title') ?? child.getAttribute('text') ?? '', 'text') ?? '';
      if (xmlUrl && xmlUrl.trim()) {
        const feed: FeedSource = { url: xmlUrl.trim() };
        if (label) feed.name = label;
        if (section) feed.section = section;
        feeds.push(feed);
      }
      walk(child, xmlUrl ? section : label || section);
    }
  };
  const body = doc.querySelector('body');
  if (!body) throw new Error('not an OPML file (no <body> element)');
  walk(body, undefined);
  return feeds;
}
