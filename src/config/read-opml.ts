import { DOMParser } from 'linkedom';
import { publicHttpUrlProblem } from '../fetch/address-guard.js';
import type { FeedSource } from '../types.js';

export interface CheckedOpml {
  feeds: FeedSource[];
  /** Subscriptions left out, with why: not http(s) (file:, javascript:, a bare path), or a private address. */
  skipped: { feed: FeedSource; reason: string }[];
}

/**
 * The subscriptions of an OPML file that may become feeds: an export is someone else's list, so
 * each URL must be http(s) on a public address (publicHttpUrlProblem); the others are named.
 */
export function readOpmlChecked(xml: string): CheckedOpml {
  const result: CheckedOpml = { feeds: [], skipped: [] };
  for (const feed of readOpml(xml)) {
    const reason = publicHttpUrlProblem(feed.url);
    if (reason) result.skipped.push({ feed, reason });
    else result.feeds.push(feed);
  }
  return result;
}

/**
 * Reads the subscriptions of an OPML file (the format feed readers export). Folders become
 * sections: an outline without xmlUrl that holds feeds names the section of the feeds inside it.
 */
export function readOpml(xml: string): FeedSource[] {
  if (!/<opml[\s>]/i.test(xml)) throw new Error('not an OPML file (no <opml> element)');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const feeds: FeedSource[] = [];
  const walk = (parent: Element, section: string | undefined): void => {
    for (const child of Array.from(parent.children)) {
      if (child.tagName.toLowerCase() !== 'outline') continue;
      const xmlUrl = child.getAttribute('xmlUrl') ?? child.getAttribute('xmlurl');
      const label = (child.getAttribute('title') ?? child.getAttribute('text') ?? '').trim();
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
