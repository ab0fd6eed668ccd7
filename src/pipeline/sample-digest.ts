import { assembleDigest } from './assemble-digest.js';
import type { Digest, DigestItem, LeftOutStory } from '../types.js';

/**
 * A made-up digest that uses every value a template can show (a lead story, sections, the
 * contents block, images with and without a known size, a quote, "also in", stories listed under
 * "More from …", a failed feed), so `digest check` exercises every branch of a template set
 * without fetching anything.
 */
export function sampleDigest(config: { title: string; timezone: string }, now: Date): Digest {
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000);
  const story = (n: number, fields: Partial<DigestItem> & Pick<DigestItem, 'headline' | 'lede' | 'feedName' | 'section'>): DigestItem => ({
    id: `sample-${n}`,
    url: `https://example.com/story/${n}`,
    feedUrl: `https://example.com/${fields.feedName.toLowerCase().replace(/\W+/g, '-')}.xml`,
    published: hoursAgo(n),
    quote: null,
    image: null,
    text: '',
    alsoIn: [],
    ...fields,
  });
  const items: DigestItem[] = [
    story(1, {
      url: 'https://example.com/news/harbour-bridge',
      feedName: 'Example News',
      section: 'News',
      published: hoursAgo(3),
      headline: 'Harbour bridge reopens after a year of repairs',
      lede: 'The harbour bridge reopened to traffic on Monday, a year after cracks in its steel deck forced the city to close it, and two months earlier than planned.',
      quote: { text: 'We promised the city its bridge back by spring, and we are handing it over in winter', speaker: 'Maria Lopez' },
      image: { url: 'https://example.com/images/bridge.jpg', width: 1200, height: 800 },
      alsoIn: ['City Paper'],
    }),
    story(2, {
      feedName: 'Example News',
      section: 'News',
      headline: 'Council votes to keep the night buses running through the winter',
      lede: 'The city council voted on Tuesday to keep the night bus routes running until March. The routes were due to close in December.',
      image: { url: 'https://example.com/images/bus.jpg', width: null, height: null },
    }),
    story(3, {
      url: 'https://example.com/science/comet',
      feedName: 'Example Science',
      section: 'Science',
      published: null,
      headline: 'A comet will be visible to the naked eye next week',
      lede: 'Skywatchers in the northern hemisphere should be able to see the comet just after sunset from Tuesday, astronomers said.',
    }),
    story(4, {
      feedName: 'Example Science',
      section: 'Science',
      headline: 'Bees learn to count to four, a study finds',
      lede: 'Honeybees trained with sugar rewards picked the fourth of a row of identical markers far more often than chance, researchers reported.',
      image: { url: 'https://example.com/images/bees.jpg', width: 640, height: 480, alt: 'A honeybee on a yellow marker' },
    }),
    story(5, { feedName: 'Weekend Reads', section: 'Weekend Reads', headline: 'The last lighthouse keeper', lede: 'For forty years he climbed the same 117 steps twice a day.' }),
    story(6, { feedName: 'Market Notes', section: 'Market Notes', headline: 'Shipping rates fall for a third month', lede: 'Container rates between Asia and Europe fell again in November.' }),
    story(7, { feedName: 'Local Sport', section: 'Local Sport', headline: 'Harbour FC stay top after a late equaliser', lede: 'A header in the 89th minute kept the club two points clear.' }),
    story(8, { url: null, feedName: 'Notices', section: 'Notices', headline: 'Library closed on Friday for repairs', lede: '' }),
  ];
  const listed = (n: number, feed: string, headline: string, reason: LeftOutStory['reason']): LeftOutStory => ({
    id: `left-${n}`,
    feed,
    feedUrl: `https://example.com/${feed.toLowerCase().replace(/\W+/g, '-')}.xml`,
    feedSite: feed === 'Example News' ? 'https://www.example.com/news' : null,
    url: `https://example.com/more/${n}`,
    headline,
    published: hoursAgo(10 + n),
    reason,
    carriedOver: false,
    listed: true,
  });
  const leftOut = [
    listed(1, 'Example News', 'Ferry timetable changes from Sunday', 'over-feed-limit'),
    listed(2, 'Example News', 'New cycle lane on the quay', 'over-feed-limit'),
    listed(3, 'Example News', 'Fish market extends its opening hours', 'over-feed-limit'),
    listed(4, 'Example News', 'Harbour festival dates announced', 'over-total-limit'),
    listed(5, 'Market Notes', 'Copper prices steady', 'over-total-limit'),
  ];
  return {
    ...assembleDigest(config, items, [], now, leftOut),
    failures: [{ feed: 'Broken Feed', url: 'https://example.com/broken.xml', code: 'FETCH_HTTP_404', message: 'HTTP 404' }],
  };
}
