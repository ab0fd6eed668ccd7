import { escapeUTF8 } from 'entities';

export interface OpmlFeed {
  url: string;
  /** The name shown in a feed reader (`text` and `title`). */
  name: string;
  /** The folder it goes in; none for feeds shown at the top. */
  section?: string;
  /** The site's home page, when known. */
  siteUrl?: string;
  paused?: boolean;
}

export interface WriteOpmlOptions {
  title: string;
  now: Date;
}

/**
 * Subscriptions as OPML 2.0 (http://opml.org/spec2.opml), the format feed readers import:
 * sections become folders, in the order they first appear, and feeds keep their order inside
 * them. A paused feed is written commented out (`isComment="true"`), which `digest feeds import`
 * reads back as paused; readers that ignore the attribute subscribe to it.
 */
export function writeOpml(feeds: readonly OpmlFeed[], options: WriteOpmlOptions): string {
  const attr = (name: string, value: string | undefined): string => (value === undefined || value === '' ? '' : ` ${name}="${xmlText(value).replace(/\r?\n|\r/g, '&#10;')}"`);
  const outline = (feed: OpmlFeed, indent: string): string =>
    `${indent}<outline type="rss"${attr('text', feed.name)}${attr('title', feed.name)}${attr('xmlUrl', feed.url)}${attr('htmlUrl', feed.siteUrl)}${feed.paused ? ' isComment="true"' : ''}/>`;

  // Top-level feeds and folders, in the order the config first names them.
  const groups: { section?: string; feeds: OpmlFeed[] }[] = [];
  const bySection = new Map<string, { section?: string; feeds: OpmlFeed[] }>();
  for (const feed of feeds) {
    if (!feed.section) {
      groups.push({ feeds: [feed] });
      continue;
    }
    let group = bySection.get(feed.section);
    if (!group) {
      group = { section: feed.section, feeds: [] };
      bySection.set(feed.section, group);
      groups.push(group);
    }
    group.feeds.push(feed);
  }
  const body = groups.flatMap((group) =>
    group.section === undefined
      ? group.feeds.map((feed) => outline(feed, '    '))
      : [`    <outline${attr('text', group.section)}${attr('title', group.section)}>`, ...group.feeds.map((feed) => outline(feed, '      ')), '    </outline>'],
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${xmlText(options.title)}</title>`,
    `    <dateCreated>${options.now.toUTCString()}</dateCreated>`,
    '    <docs>http://opml.org/spec2.opml</docs>',
    '  </head>',
    '  <body>',
    ...body,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

/** Escaped for XML text or a quoted attribute; characters XML 1.0 forbids even escaped are dropped. */
function xmlText(value: string): string {
  return escapeUTF8(value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
}
