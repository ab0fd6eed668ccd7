/**
 * Prints, for each ScrapingHub page (or the pages whose ids start with the arguments), what a
 * person needs to check its headline in test/fixtures/scrapinghub-titles.json: the <title>,
 * og:title, twitter:title and JSON-LD headline, every <h1> with its class and its parent, the
 * first <h2>s, the opening of the human-checked body, and the headline recorded for it. It
 * never runs the extractor: the file's headlines must come from reading the page.
 *
 *   node --import tsx bench/title-evidence.ts [id-prefix…]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseHTML } from 'linkedom';

import { queryAll } from '../src/clean/query-all.js';
import { loadScrapinghubTitles } from '../test/support/headline-truth.js';
import { loadScrapinghubPages, scrapinghubDir } from '../test/support/scrapinghub-metric.js';

const prefixes = process.argv.slice(2);
const pages = loadScrapinghubPages().filter((page) => prefixes.length === 0 || prefixes.some((prefix) => page.id.startsWith(prefix)));
if (pages.length === 0) {
  console.error(`No ScrapingHub pages${prefixes.length > 0 ? ` starting with ${prefixes.join(', ')}` : ''} in ${scrapinghubDir}.`);
  process.exit(1);
}
const recorded = new Map(loadScrapinghubTitles().map((title) => [title.id, title]));
const clean = (text: string | null | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();

for (const page of pages) {
  const { document } = parseHTML(readFileSync(path.join(scrapinghubDir, page.id, 'page.html'), 'utf8'));
  const meta = (key: string): string => clean(document.querySelector(`meta[property="${key}"], meta[name="${key}"]`)?.getAttribute('content'));
  const jsonLd = new Set<string>();
  for (const script of queryAll(document.documentElement, 'script[type="application/ld+json"]')) {
    for (const match of (script.textContent ?? '').matchAll(/"headline"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) jsonLd.add(match[1] ?? '');
  }
  const lines = [`## ${page.id.slice(0, 8)} ${page.url}`, `title:   ${clean(document.querySelector('title')?.textContent)}`];
  if (meta('og:title')) lines.push(`og:      ${meta('og:title')}`);
  if (meta('twitter:title') && meta('twitter:title') !== meta('og:title')) lines.push(`twitter: ${meta('twitter:title')}`);
  if (jsonLd.size > 0) lines.push(`json-ld: ${[...jsonLd].join(' ¦ ')}`);
  for (const heading of queryAll(document.documentElement, 'h1').slice(0, 5)) {
    const parent = heading.parentElement;
    const where = `h1.${heading.getAttribute('class') ?? ''} in ${parent?.localName ?? ''}.${parent?.getAttribute('class') ?? ''}`;
    lines.push(`h1:      ${clean(heading.textContent).slice(0, 200)}   (${where.slice(0, 80)})`);
  }
  const subheadings = queryAll(document.documentElement, 'h2').map((heading) => clean(heading.textContent)).filter(Boolean).slice(0, 3);
  if (subheadings.length > 0) lines.push(`h2:      ${subheadings.map((text) => text.slice(0, 100)).join(' ¦ ')}`);
  lines.push(`body:    ${clean(page.truth).slice(0, 160)}`);
  const title = recorded.get(page.id);
  lines.push(title ? `recorded: ${title.headline}   (${title.element})${title.note ? `\n          ${title.note}` : ''}` : 'recorded: (none yet)');
  console.log(`${lines.join('\n')}\n`);
}
