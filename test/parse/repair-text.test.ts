import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { repairC1, repairMojibake, repairText } from '../../src/parse/repair-text.js';

describe('repairText', () => {
  it('reads C1 control characters as the windows-1252 characters their authors typed', () => {
    expect(repairC1('don\u0092t \u0093quote\u0094 \u0085 \u0080 5')).toBe('don’t “quote” … € 5');
    expect(repairC1('plain ascii')).toBe('plain ascii');
  });

  it('decodes double-encoded UTF-8 back to the intended characters', () => {
    expect(repairMojibake('â€¦')).toBe('…');
    expect(repairMojibake('CafÃ© â€œbrÃ»lÃ©eâ€\u009d')).toBe('Café “brûlée”');
    expect(repairText('itâ€™s')).toBe('it’s');
  });

  it('leaves real text alone, including lone accented capitals', () => {
    for (const text of ['À la carte', 'São Paulo', 'Ã', 'naïve café', 'Große Straße', '年', 'â€']) {
      expect(repairText(text)).toBe(text);
    }
  });

  it('removes control characters and bidi overrides, keeping tabs, line breaks and right-to-left text', () => {
    expect(repairText('a\u001b[2Jb\u0007c\u007f\u0081d &#x1b;&#27;&#X202E;&#9;')).toBe('a[2Jbcd &#9;');
    expect(repairText('Invoice \u202egnp.exe \u2066x\u2069')).toBe('Invoice gnp.exe x');
    expect(repairText('tab\there\nline\r\nשלום עולם')).toBe('tab\there\nline\r\nשלום עולם');
  });

  it('cleans the channel title and every item field of an RSS feed', async () => {
    const rss = '<rss version="2.0"><channel><title>Evil&#x1b;]0;pwned&#x7; News</title><link>https://news.example/</link><description>d&#x1b;[2J</description>' +
      '<item><title>Invoice &#x202e;gnp.exe</title><link>https://news.example/1</link><description>text &#x1b;[31mred</description><author>a&#x7;b</author></item></channel></rss>';
    const feed = await parseFeed(rss, { url: 'https://news.example/feed' });
    expect(feed.title).toBe('Evil]0;pwned News');
    expect(feed.description).toBe('d[2J');
    expect(feed.items[0]).toMatchObject({ title: 'Invoice gnp.exe', summary: 'text [31mred' });
  });
});
