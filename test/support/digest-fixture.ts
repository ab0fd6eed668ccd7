import type { AssembleConfig } from '../../src/pipeline/assemble-digest.js';
import { assembleDigest } from '../../src/pipeline/assemble-digest.js';
import type { Digest, DigestItem, LeftOutStory } from '../../src/types.js';

/**
 * A digest of `count` stories shaped like a real morning: ten feeds of three stories each (in
 * config order), headlines of 40–100 characters, ledes of 35–50 words, a key quote on every third
 * story, one story carried by three feeds, and an image on every story (1200 × 675, declared), the
 * worst case for the email's height. Deterministic: the same count gives the same digest.
 */
export function fixtureDigest(config: AssembleConfig, count: number, now: Date, options: { leftOut?: LeftOutStory[] } = {}): Digest {
  const words = 'harbour council budget minister report talks union strike court ruling market shares energy prices winter storm railway election vote climate science study patients hospital schools teachers housing rents police inquiry museum festival football season'.split(' ');
  const pick = (n: number, length: number) => Array.from({ length }, (_, i) => words[(n * 7 + i * 3) % words.length]!).join(' ');
  const items: DigestItem[] = Array.from({ length: count }, (_, n) => {
    const feed = n % 10;
    const headlineWords = 6 + ((n * 5) % 9);
    const ledeWords = 35 + ((n * 11) % 16);
    const headline = `${pick(n, headlineWords)} ${n + 1}`.replace(/^./, (c) => c.toUpperCase());
    return {
      id: `story-${n + 1}`,
      url: `https://news${feed}.example/2026/11/${n + 1}/${pick(n, 4).replace(/ /g, '-')}`,
      feedName: `Newsroom ${feed + 1}`,
      feedUrl: `https://news${feed}.example/feed.xml`,
      section: ['World', 'Business', 'Science', 'Culture', 'Sport'][feed % 5]!,
      published: new Date(now.getTime() - (n + 1) * 37 * 60_000),
      headline,
      lede: `${pick(n + 3, ledeWords - 1)}.`.replace(/^./, (c) => c.toUpperCase()),
      quote: n % 3 === 0 ? { text: `${pick(n + 5, 16)}, and we will not accept it`, speaker: `Speaker ${n + 1}` } : null,
      image: { url: `https://img${feed}.example/${n + 1}.jpg`, width: 1200, height: 675 },
      text: '',
      alsoIn: n === 4 ? ['Newsroom 7', 'Newsroom 9'] : [],
    };
  });
  // Config feed order: feed by feed, as selection hands them over.
  items.sort((a, b) => a.feedUrl.localeCompare(b.feedUrl) || a.id.localeCompare(b.id, undefined, { numeric: true }));
  return assembleDigest(config, items, [], now, options.leftOut ?? []);
}

/** The picture every image request is answered with in browser tests: nothing leaves the machine. */
export function standInImage(width = 1200, height = 675): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#8aa4b8"/></svg>`;
}
