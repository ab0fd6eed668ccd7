import { assembleDigest } from './assemble-digest.js';
import type { Digest, DigestItem } from '../types.js';

/**
 * A made-up digest that uses every value a template can show (image, quote, "also in", a failed
 * feed), so `digest check` exercises every branch of a template set without fetching anything.
 */
export function sampleDigest(config: { title: string; timezone: string }, now: Date): Digest {
  const base = {
    feedUrl: 'https://example.com/feed.xml',
    text: '',
    alsoIn: [] as string[],
  };
  const items: DigestItem[] = [
    {
      ...base,
      id: 'sample-1',
      url: 'https://example.com/news/harbour-bridge',
      feedName: 'Example News',
      section: 'News',
      published: new Date(now.getTime() - 3 * 3600_000),
      headline: 'Harbour bridge reopens after a year of repairs',
      lede: 'The harbour bridge reopened to traffic on Monday, a year after cracks in its steel deck forced the city to close it, and two months earlier than planned.',
      quote: { text: 'We promised the city its bridge back by spring, and we are handing it over in winter', speaker: 'Maria Lopez' },
      image: { url: 'https://example.com/images/bridge.jpg', width: 1200, height: 800 },
      alsoIn: ['City Paper'],
    },
    {
      ...base,
      id: 'sample-2',
      url: 'https://example.com/science/comet',
      feedName: 'Example Science',
      section: 'Science',
      published: null,
      headline: 'A comet will be visible to the naked eye next week',
      lede: 'Skywatchers in the northern hemisphere should be able to see the comet just after sunset from Tuesday, astronomers said.',
      quote: null,
      image: null,
    },
  ];
  return {
    ...assembleDigest(config, items, [], now),
    failures: [{ feed: 'Broken Feed', url: 'https://example.com/broken.xml', code: 'FETCH_HTTP_404', message: 'HTTP 404' }],
  };
}
