/** Generated feeds for the benchmarks: realistic sizes, a little page furniture, no network. */

export const ITEMS = 50;

const WORDS = 'the council said on tuesday that the new bridge would open in spring after two years of work and a budget that grew by a third'.split(' ');
export function paragraph(seed: number, words = 60): string {
  return Array.from({ length: words }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]).join(' ');
}

/** Items are dated back from the last full hour, so they are always recent enough to be picked. */
const NEWEST = Math.floor(Date.now() / 3_600_000) * 3_600_000;

/** An RSS 2.0 feed with `ITEMS` full-text items (about 400 words each) and some furniture. */
export function feedXml(feed: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const body = [
      `<p>${paragraph(i, 45)}.</p>`,
      `<p>“${paragraph(i + 1, 14)},” said Jane Doe${i}, the project's director.</p>`,
      ...Array.from({ length: 5 }, (_, p) => `<p>${paragraph(i + p + 2)}.</p>`),
      '<div class="share">Share this: <a href="#">Twitter</a></div><p>— Advertisement —</p>',
    ].join('\n');
    const date = new Date(NEWEST - (feed * ITEMS + i) * 60_000).toUTCString();
    return `<item><title>Story ${i} from feed ${feed}: ${paragraph(i, 8)}</title><link>https://bench${feed}.example/story/${i}</link><guid>bench-${feed}-${i}</guid><pubDate>${date}</pubDate><content:encoded><![CDATA[${body}]]></content:encoded></item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench feed ${feed}</title><link>https://bench${feed}.example/</link>${items}</channel></rss>`;
}
