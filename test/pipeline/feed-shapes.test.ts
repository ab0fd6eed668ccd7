import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { readOpml } from '../../src/config/read-opml.js';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve-config.js';
import { buildDigest } from '../../src/pipeline/build-digest.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import type { DigestItem } from '../../src/types.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

/**
 * Issue 9, part 1 and 2: every feed shape carries its content through to the email. Each fixture
 * in test/fixtures/feeds/ is a small feed in the shape real publishers use (Mastodon, RSS 0.92,
 * YouTube, RSS 1.0, podcasts, GitHub, Media RSS…), read as a user's config would read it — the
 * feed's own text, no article pages fetched — and rendered with the default theme.
 */

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/feeds');
const now = new Date('2026-11-27T07:00:00Z');
const tmp = useTempDir();

function config(feed: string, raw: Record<string, unknown> = {}): ResolvedConfig {
  const dir = tmp.dir();
  return resolveConfig(
    // The fixtures' image addresses are made up: sizes come from the feeds, nothing is fetched.
    validateConfig({ recipients: ['reader@example.com'], out: path.join(dir, 'out'), state: path.join(dir, 'state.sqlite'), feeds: [{ url: feed, fullText: 'never' }], fetch: { measureImages: false }, ...raw }, { file: 'test' }),
    { source: null, baseDir: dir, env: {} },
  );
}

async function build(file: string, raw: Record<string, unknown> = {}) {
  const cfg = config(path.join(FIXTURES, file), raw);
  const built = await buildDigest(cfg, { now, mode: 'preview' });
  const rendered = await renderDigest(built.digest, loadTemplates(path.join(REPO_ROOT, 'templates/default')), renderSettings(cfg), { validation: 'strict' });
  return { ...built, stories: built.digest.items, html: rendered.html, text: rendered.text };
}

function byUrl(stories: DigestItem[], fragment: string): DigestItem {
  const story = stories.find((item) => item.url?.includes(fragment));
  if (!story) throw new Error(`no story links to ${fragment}: ${stories.map((item) => item.url).join(', ')}`);
  return story;
}

/** The <img> the email shows for an image address. */
function imgTag(html: string, url: string): string | undefined {
  return (html.match(/<img\b[^>]*>/g) ?? []).find((tag) => tag.includes(`src="${url.replace(/&/g, '&amp;')}"`));
}

describe('title-less items are headed by their own text, never "(untitled)"', () => {
  it('Mastodon: a one-line post is its headline; a longer one keeps its lines apart', async () => {
    const { stories, html, text } = await build('mastodon.rss');
    const short = byUrl(stories, '111000000000000001');
    expect(short.headline).toBe('Got a wedding date 😎');
    expect(short.lede).toBe(''); // the whole post is the headline: nothing is repeated
    const long = byUrl(stories, '111000000000000002');
    expect(long.headline).toBe('Three things I learned moving the allotment shed this weekend');
    expect(long.lede).toBe('Lift with your knees · Label every bolt · Never trust a forecast that says dry · The shed survived, barely.');
    expect(`${html}\n${text}`).not.toMatch(/untitled/i);
  });

  it('RSS 0.92: an item with only a description', async () => {
    const [story] = (await build('rss092-untitled.xml')).stories;
    expect(story!.headline).toBe('The east pier reopens to walkers on Saturday');
    expect(story!.lede).toBe('Repairs to the railings took three weeks longer than planned because of the storms.');
  });

  it('caps a derived headline at limits.headlineLength', async () => {
    const [story] = (await build('rss092-untitled.xml', { limits: { headlineLength: 30 } })).stories;
    expect(story!.headline).toBe('The east pier reopens to…');
  });
});

describe('descriptions from every field feeds use', () => {
  it('YouTube: media:group/media:description is the lede, its lines kept apart; the title keeps its informative tail', async () => {
    const [story] = (await build('youtube.atom')).stories;
    expect(story!.headline).toBe('The Fall of Thjazi Fang | Critical Role | Campaign 3, Episode 49');
    expect(story!.lede).toBe('The party races north as the storm closes in on the frozen city. Watch live every Thursday at 7pm PT.');
    expect(story!.image).toEqual({ url: 'https://i2.ytimg.com/vi/abc123def45/hqdefault.jpg', width: 480, height: 360 });
  });

  it('RSS 1.0: dc:description', async () => {
    const [story] = (await build('rss10-dc-description.rdf')).stories;
    expect(story!.lede).toBe('Sea otters were reintroduced to three bays in 2019. Kelp cover in those bays doubled within four years, while bays without otters saw no change.');
  });

  it('podcasts: itunes:summary, else itunes:subtitle; the audio is the link when there is no <link>', async () => {
    const { stories, html, text } = await build('podcast.rss');
    const twelve = stories.find((story) => story.headline.startsWith('Episode 12'))!;
    expect(twelve.lede).toMatch(/^Two former keepers remember the last years of a manned light/);
    expect(twelve.url).toBe('https://cdn.tidetables.example/episodes/12.mp3');
    const eleven = stories.find((story) => story.headline.startsWith('Episode 11'))!;
    expect(eleven.lede).toBe('Why the marsh is the coast\'s best sea wall.');
    expect(html).toContain('href="https://cdn.tidetables.example/episodes/11.mp3"');
    expect(text).toContain('https://cdn.tidetables.example/episodes/12.mp3');
  });

  it('content that is only an embed gives way to the summary beside it; a lede that restates the headline gives way to the next sentence', async () => {
    const { stories } = await build('content-vs-summary.atom');
    expect(byUrl(stories, 'flood-test').lede).toBe('Engineers raised the new flood gates for the first time on Wednesday, and they held back a tide half a metre above the old walls.');
    expect(byUrl(stories, 'boathouse').lede).toBe('The club raised the money in eighteen months, and building starts in March on the site of the old timber yard.');
  });

  it('two entries sharing one id: the one with content is kept', async () => {
    const { stories } = await build('duplicate-ids.atom');
    expect(stories).toHaveLength(1);
    expect(stories[0]).toMatchObject({ headline: 'Library opening hours extended over winter', url: 'https://townhall.example/posts/42' });
    expect(stories[0]!.lede).toMatch(/^The central library will stay open until 9pm/);
  });

  it('list items stay separate, not one run-on sentence', async () => {
    const [story] = (await build('github.atom')).stories;
    expect(story!.lede).toBe('Faster sync across devices by @ana · New dark mode for the editor · Fix a crash when opening empty files');
  });

  it('reads <link> wrapped over lines, without a scheme, or written as an anchor', async () => {
    const { stories } = await build('malformed-links.rss');
    expect(stories.map((story) => story.url).sort()).toEqual([
      'https://marketstreet.example/news/bakery-prize',
      'https://marketstreet.example/news/market-indoors',
      'https://www.marketstreet.example/news/street-lights',
    ]);
  });
});

describe('entities are decoded exactly once', () => {
  it('a title about <video> keeps the tag as text; double-escaped references read as characters', async () => {
    const { stories, html, text } = await build('entities.rss');
    const video = byUrl(stories, 'using-video');
    expect(video.headline).toBe('Using <video> for background clips');
    expect(video.lede).toBe('The <video> element can loop a muted clip behind a page’s header without any script at all.');
    expect(byUrl(stories, 'restoration').headline).toBe('Tom & Jerry’s restoration, frame by frame');
    expect(video.feedName).toBe('Web Platform & Media');
    // In the email the reader sees "Using <video>": escaped once in the HTML, plain in the text part.
    expect(html).toContain('Using &lt;video&gt; for background clips');
    expect(html).not.toMatch(/&amp;(?:lt|gt|amp|#\d+);/);
    expect(text).toContain('Using <video> for background clips');
    expect(text).not.toMatch(/&(?:lt|gt|amp|#\d+);/);
  });

  it('OPML: folder and feed names decoded', () => {
    const feeds = readOpml(readFileSync(path.join(FIXTURES, 'folders.opml'), 'utf8'));
    expect(feeds).toEqual([
      { url: 'https://qa.example/feed?format=rss&lang=en', name: 'Q&A with Sam', section: 'Blogs & Media' },
      { url: 'https://arts.example/rss', name: 'Arts & Letters', section: 'Blogs & Media' },
    ]);
  });
});

describe('images are chosen and sized honestly', () => {
  it('picks the 460 px variant over the 140 px one, and states its width', async () => {
    const { stories, html } = await build('image-sizes.rss');
    const ferry = byUrl(stories, 'ferry-winter');
    expect(ferry.image).toEqual({ url: 'https://img.gazette.example/ferry-460.jpg', width: 460, height: 307 });
    expect(imgTag(html, ferry.image!.url)).toMatch(/\swidth="460"/);
  });

  it('a 70 px thumbnail and a 30 px author avatar are not story images', async () => {
    expect(byUrl((await build('image-sizes.rss')).stories, 'harbour-master').image).toBeNull();
    const [release] = (await build('github.atom')).stories;
    expect(release!.image).toBeNull();
  });

  it('takes the srcset version the email needs and its declared width; never wider than the 552 px column', async () => {
    const { stories, html } = await build('image-sizes.rss');
    const benches = byUrl(stories, 'benches');
    expect(benches.image).toMatchObject({ url: 'https://gazette.example/wp-content/uploads/benches-768x512.jpg', width: 768, height: 512 });
    // The default theme shows it at the column's width (552) as the lead, or as a 96 px thumbnail:
    // either way at most its declared 768 px and the 552 px column, with its height in proportion.
    const [, width, height] = /\swidth="(\d+)" height="(\d+)"/.exec(imgTag(html, benches.image!.url) ?? '') ?? [];
    expect([552, 96]).toContain(Number(width));
    expect(Number(height)).toBe(Math.round((Number(width) * 512) / 768));
  });

  it('every image the email shows states a width no larger than the image', async () => {
    for (const file of ['image-sizes.rss', 'mastodon.rss', 'youtube.atom', 'github.atom']) {
      const { stories, html } = await build(file);
      for (const story of stories.filter((item) => item.image)) {
        const width = Number(/\swidth="(\d+)"/.exec(imgTag(html, story.image!.url) ?? '')?.[1]);
        expect(width, `${file}: ${story.image!.url}`).toBeLessThanOrEqual(Math.min(552, story.image!.width ?? 552));
      }
    }
  });
});

describe('bad input: a clear per-item warning, and the rest goes out', () => {
  it('a 100 KB title, an image address that is not a URL, a date in the year 3000', async () => {
    const feed = readFileSync(path.join(FIXTURES, 'bad-items.rss'), 'utf8').replace('{{LONG_TITLE}}', `Council ${'budget '.repeat(15_000)}`);
    const file = tmp.write('bad-items.rss', feed);
    const cfg = config(file, { limits: { headlineLength: 60 } });
    const built = await buildDigest(cfg, { now, mode: 'preview' });
    const stories = built.digest.items;
    expect(stories).toHaveLength(4);
    expect(built.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Broken Bits: "Council budget budget .*…": its title is [\d,]+ characters long; shown cut to its first words$/),
        expect.stringMatching(/^Broken Bits: "Picture with a broken address": its image address "http:\/\/\[not a url" is not a usable http\(s\) URL; the story goes out without that image$/),
        'Broken Bits: "Dated a thousand years ahead": its date (3000-01-01) is in the future; shown without a date',
      ]),
    );
    expect(built.warnings).toHaveLength(3);
    expect(byUrl(stories, '/long').headline.length).toBeLessThanOrEqual(60);
    expect(byUrl(stories, '/picture').image).toBeNull();
    expect(byUrl(stories, '/future').published).toBeNull();
    expect(byUrl(stories, '/ordinary').lede).toMatch(/^Nothing is wrong with this one/);
    const rendered = await renderDigest(built.digest, loadTemplates(path.join(REPO_ROOT, 'templates/default')), renderSettings(cfg), { validation: 'strict' });
    expect(rendered.html.length).toBeLessThan(60_000);
  });
});
