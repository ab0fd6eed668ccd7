import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shortFeedName } from '../../src/parse/feed-name.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { feedsDir, hasCorpus, listFeedFiles } from '../support/corpora.js';

describe('shortFeedName', () => {
  it('keeps the site’s name and drops the tagline or page name', () => {
    expect(shortFeedName('The Latest News from the UK and Around the World | Sky News', 'https://feeds.skynews.com/feeds/rss/home.xml')).toBe('Sky News');
    expect(shortFeedName('The Latest News from the UK and Around the World | Sky News', 'https://news.sky.com/')).toBe('Sky News');
    // Without an address to go by: after a "|" the site comes last.
    expect(shortFeedName('The Latest News from the UK and Around the World | Sky News')).toBe('Sky News');
    expect(shortFeedName('World news | The Guardian', 'https://www.theguardian.com/world')).toBe('The Guardian');
    expect(shortFeedName('BBC News - Home', 'https://feeds.bbci.co.uk/news/rss.xml')).toBe('BBC News');
    expect(shortFeedName('NYT > Top Stories', 'https://www.nytimes.com/')).toBe('NYT');
    expect(shortFeedName('Ars Technica - All content', 'https://arstechnica.com/')).toBe('Ars Technica');
    expect(shortFeedName('Wellness: Health, Fitness, Nutrition & More - The Washington Post', 'http://www.washingtonpost.com/lifestyle/wellness')).toBe('The Washington Post');
    // "Site - tagline": the site comes first.
    expect(shortFeedName('Taverncast - Happy Hour in Your Head - Since 2005')).toBe('Taverncast');
    expect(shortFeedName('Stories by Liz Marley on Medium', 'https://medium.com/@emarley')).toBe('Liz Marley');
    expect(shortFeedName('Posts on Julia Evans', 'https://jvns.ca/')).toBe('Julia Evans');
  });

  it('leaves a title without a tagline alone', () => {
    // No separator; a colon or a slash is not one; pieces that are not words; nothing but generic pieces.
    for (const title of ['Daring Fireball', 'bioRxiv Subject Collection: Plant Biology', 'research!rsc', 'AC/DC fan club', '2 > 1', 'Home | News']) {
      expect(shortFeedName(title, 'https://example.com/'), title).toBe(title);
    }
    expect(shortFeedName('  Lots   of\n space  ')).toBe('Lots of space');
    expect(shortFeedName('')).toBeUndefined();
    expect(shortFeedName(undefined)).toBeUndefined();
  });
});

/**
 * The rsparser folder of the shared corpus holds feeds captured from real sites (NetNewsWire's
 * parser tests): the names a user adding them gets. Each line: the feed's title → its name.
 */
const REAL_FEEDS: Record<string, string> = {
  '3960.json': 'fboës', // "fboës - Der Blog | Startseite": "Startseite" (home page) is dropped, then the site before " - "
  '489.rss': 'Hodl Hodl', // "Stories by Hodl Hodl on Medium"
  '4fsodonline.atom': '4 Fighting Serpents of Death',
  'DaringFireball.atom': 'Daring Fireball',
  'DaringFireball.json': 'Daring Fireball',
  'DaringFireball.rss': 'Daring Fireball',
  'EMarley.rss': 'Liz Marley',
  'KatieFloyd.rss': 'Katie Floyd',
  'OneFootTsunami.atom': 'One Foot Tsunami',
  'aktuality.rss': 'Aktuality.sk', // "Aktuality.sk - aktuálne spravodajstvo", at aktuality.sk
  'allthis.atom': 'And now it’s all this',
  'allthis.json': 'And now it’s all this',
  'atp.rss': 'Accidental Tech Podcast',
  'authors.json': 'Author test feed',
  'bio.rdf': 'bioRxiv Subject Collection: Plant Biology', // a colon is not a tagline separator
  'cloudblog.rss': 'Cloud Blog',
  'curt.json': 'curtclifton.net',
  'dcrainmaker.xml': 'DC Rainmaker',
  'donthitsave.xml': "Don't Hit Save",
  'expertopinionent.atom': 'ENT expert opinion',
  'inessential.json': 'inessential.com',
  'jsonfeed-extension.json': 'JSON Extension test feed',
  'livemint.xml': 'Livemint', // "Livemint - News", at livemint.com
  'macworld.rss': 'Macworld',
  'manton.rss': 'Manton Reece',
  'monkeydom.rss': 'cocoa-dom',
  'natasha.xml': 'Natasha The Robot',
  'phpxml.rss': 'www.fcutrecht.net voetbalnieuws',
  'pxlnv.json': 'Pixel Envy',
  'rose.json': 'Rosemary Orchard',
  'rubenerd.rss': 'Rubenerd',
  'russcox.atom': 'research!rsc',
  'scriptingNews.rss': 'Scripting News',
  'theomnishow.rss': 'The Omni Show',
};

describe.skipIf(!hasCorpus('feeds/rsparser'))('shortFeedName on the real feeds of the shared corpus', () => {
  it('names each real feed by its site', async () => {
    const dir = path.join(feedsDir, 'rsparser');
    const names: Record<string, string | undefined> = {};
    for (const file of listFeedFiles(dir)) {
      let feed;
      try {
        feed = await parseFeed(readFileSync(file, 'utf8'), { url: `https://feeds.example/${path.basename(file)}` });
      } catch {
        continue; // OPML lists and files that are not feeds
      }
      if (!feed.title) continue;
      names[path.basename(file)] = shortFeedName(feed.title, [feed.link, feed.feedUrl]);
    }
    expect(names).toEqual(REAL_FEEDS);
  });
});
