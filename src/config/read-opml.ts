import sax from 'sax';
import type { FeedSource } from '../types.js';

/**
 * Reads the subscriptions of an OPML file (the format feed readers export). Folders become
 * sections: an outline without xmlUrl that holds feeds names the section of the feeds inside it.
 *
 * Parsed with sax (strict XML, entities decoded exactly once): light enough that a config naming
 * an .opml feed list does not slow down every command that loads the config.
 */
export function readOpml(xml: string): FeedSource[] {
  if (!/<opml[\s>]/i.test(xml)) throw new Error('not an OPML file (no <opml> element)');
  const parser = sax.parser(true, { trim: false, normalize: false, lowercase: true });
  const feeds: FeedSource[] = [];
  // For each open <outline>: the section its children belong to.
  const sections: (string | undefined)[] = [];
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
      return;
    }
    const attribute = (key: string): string | undefined => {
      for (const [k, v] of Object.entries(tag.attributes)) if (k.toLowerCase() === key) return typeof v === 'string' ? v : v.value;
      return undefined;
    };
    const parentSection = sections.at(-1);
    const xmlUrl = attribute('xmlurl')?.trim();
    const label = (attribute('title') ?? attribute('text') ?? '').trim();
    if (inBody && xmlUrl) {
      const feed: FeedSource = { url: xmlUrl };
      if (label) feed.name = label;
      if (parentSection) feed.section = parentSection;
      feeds.push(feed);
    }
    sections.push(xmlUrl ? parentSection : label || parentSection);
  };
  parser.onclosetag = () => {
    if (depth === bodyDepth) inBody = false;
    else sections.pop();
    depth--;
  };
  parser.write(xml).close();
  if (!sawBody) throw failure ?? new Error('not an OPML file (no <body> element)');
  if (failure && feeds.length === 0) throw failure;
  return feeds;
}
