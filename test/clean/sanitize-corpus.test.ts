import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMAIL_SAFE_ATTRIBUTES, EMAIL_SAFE_TAGS, sanitizeBody } from '../../src/clean/sanitize-body.js';
import { cleanArticle } from '../../src/clean/clean-article.js';
import { decodeBody } from '../../src/fetch/decode-text.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { feedsDir, hasFeedsCorpus } from '../support/corpora.js';

/**
 * feedparser's 745 sanitize cases: hostile markup in every text construct of a feed. Nothing
 * executable may survive; the `acceptable_*` files list markup that must not be stripped, and
 * what of it is in the email-safe allowlist must survive.
 */
const dir = path.join(feedsDir, 'feedparser/wellformed/sanitize');
const files = hasFeedsCorpus ? readdirSync(dir).filter((f) => f.endsWith('.xml')).sort() : [];

async function bodiesOf(file: string): Promise<string[]> {
  const text = decodeBody(readFileSync(path.join(dir, file)));
  const feed = await parseFeed(text, { url: `https://example.com/${file}` });
  const fields = [feed.title, feed.description, ...feed.items.flatMap((item) => [item.contentHtml, item.summary, item.title, item.author])];
  return fields.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
}

const EXECUTABLE = [/<script/i, /\son[a-z]+\s*=/i, /javascript:/i, /vbscript:/i, /<(iframe|frame|object|embed|applet|meta|link|style|form|base)\b/i, /expression\s*\(/i];

describe.skipIf(!hasFeedsCorpus)('sanitising feedparser’s sanitize corpus', () => {
  it('lets nothing executable through, in sanitised HTML or cleaned text', async () => {
    let checked = 0;
    for (const file of files.filter((f) => !f.startsWith('acceptable_'))) {
      for (const body of await bodiesOf(file)) {
        const html = sanitizeBody(body);
        const cleaned = cleanArticle({ html: body, url: 'https://example.com/' });
        for (const pattern of EXECUTABLE) {
          expect(html, `${file}: ${body}`).not.toMatch(pattern);
          expect(cleaned.html, file).not.toMatch(pattern);
        }
        checked++;
      }
    }
    // The rest put their markup in fields the digest never reads (copyright, feed info, tagline),
    // or in titles, which the parse stage turns into plain text (escaped wherever they are shown).
    expect(checked).toBeGreaterThan(350);
  });

  it('keeps the acceptable elements that email allows, and drops the rest', async () => {
    let kept = 0;
    for (const file of files.filter((f) => f.startsWith('acceptable_element_'))) {
      const tag = file.replace(/^acceptable_element_|\.xml$/g, '');
      for (const body of await bodiesOf(file)) {
        const html = sanitizeBody(body);
        // An <img> without src is a broken image, dropped on purpose.
        if (EMAIL_SAFE_TAGS.includes(tag) && tag !== 'img') {
          expect(html, file).toMatch(new RegExp(`<${tag}[\\s>/]`));
          kept++;
        } else if (!['article', 'h1', 'h5', 'h6'].includes(tag)) expect(html, file).not.toMatch(new RegExp(`<${tag}[\\s>/]`, 'i'));
      }
    }
    expect(kept).toBeGreaterThanOrEqual(30);
  });

  it('keeps only allowlisted attributes', async () => {
    for (const file of files.filter((f) => f.startsWith('acceptable_attribute_'))) {
      for (const body of await bodiesOf(file)) {
        const html = sanitizeBody(`<p>${body}<a href="https://example.com/" title="t">x</a></p>`);
        for (const match of html.matchAll(/<([a-z0-9]+)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/gi)) {
          const tag = match[1]!.toLowerCase();
          const attributes = [...match[2]!.matchAll(/\s([^\s=>]+)/g)].map((m) => m[1]!.toLowerCase());
          for (const attribute of attributes) expect(EMAIL_SAFE_ATTRIBUTES[tag] ?? [], `${file}: <${tag} ${attribute}>`).toContain(attribute);
        }
        expect(html).toContain('<a href="https://example.com/" title="t">x</a>');
      }
    }
  });
});
