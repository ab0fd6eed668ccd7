/**
 * `npm run bench:layout`: what a reader gets from real feeds. Builds the digest from the feeds
 * captured from real sites in ../shared/corpora/feeds/rsparser (blogs, podcasts, newspapers, JSON
 * Feed, RDF; the feeds' own text only, no article pages fetched), with the default theme and
 * default limits, for 10 and 30 stories, and measures:
 *
 *  - the HTML size (bytes of the rendered email, before per-reader values; 1 KB = 1,000 bytes);
 *  - the page height at 600 px in Chromium (/usr/bin/chromium), images loaded. The images are
 *    stand-ins (nothing here touches the network): every image request is answered with a
 *    1200 × 675 picture (the usual 16:9 share-image size), so heights compare layouts, not
 *    the publishers' pictures.
 *
 * The third row is 30 stories with the size budget off (`maxHtmlKilobytes: 0`): the email as the
 * theme lays it out, before any shortening.
 *
 * The emails and their screenshots (600 and 375 px, light, dark, images off) go to
 * test-results/layout/ to look at.
 * Prints figures; asserts nothing. `--theme compact` measures the other shipped theme.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resolveConfig } from '../src/config/resolve-config.js';
import { validateConfig } from '../src/config/load-config.js';
import { previewDigest } from '../src/pipeline/run-digest.js';

const REPO = path.resolve(import.meta.dirname, '..');
const FEEDS_DIR = path.resolve(REPO, '../shared/corpora/feeds/rsparser');
const OUT = path.join(REPO, 'test-results', 'layout');
const CHROMIUM = '/usr/bin/chromium';
/** A fixed "now", after every item in the corpus, so runs are comparable. */
const NOW = new Date('2026-11-27T07:00:00Z');

const STAND_IN = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675"><rect width="1200" height="675" fill="#8aa4b8"/><circle cx="600" cy="338" r="180" fill="#d5dee6"/></svg>`;

function feedFiles(): string[] {
  return readdirSync(FEEDS_DIR)
    .filter((name) => !/\.(md|opml)$/i.test(name) && !/^(LICENSE|SOURCE|README)/i.test(name))
    .sort()
    .map((name) => path.join(FEEDS_DIR, name));
}

async function render(total: number, theme: string, work: string, budget: boolean) {
  const config = resolveConfig(
    validateConfig(
      {
        title: 'Morning Digest',
        template: theme,
        feeds: feedFiles().map((url) => ({ url, fullText: 'never' })),
        // The captured feeds are years old: no age limit, or nothing would be left.
        limits: { total, maxAgeDays: 0 },
        ...(budget ? {} : { maxHtmlKilobytes: 0 }),
        // Nothing here touches the network: pictures keep the sizes their feeds state.
        fetch: { measureImages: false },
        unsubscribeUrl: 'https://example.com/unsubscribe?e={{email}}',
        out: path.join(work, `out-${total}`),
        state: ':memory:',
      },
      { file: 'bench/layout.ts' },
    ),
    { source: null, baseDir: REPO, env: {} },
  );
  return previewDigest(config, { now: () => NOW });
}

async function measure(browser: Browser, html: string, options: { width: number; dark?: boolean; imagesOff?: boolean; shot?: string }): Promise<number> {
  const page: Page = await browser.newPage({ viewport: { width: options.width, height: 900 }, colorScheme: options.dark ? 'dark' : 'light' });
  await page.route('**/*', (route) => {
    const request = route.request();
    if (request.resourceType() === 'image' && !options.imagesOff) return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: STAND_IN });
    return route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (options.shot) await page.screenshot({ path: path.join(OUT, options.shot), fullPage: true });
  await page.close();
  return height;
}

async function main(): Promise<void> {
  if (!existsSync(FEEDS_DIR)) throw new Error(`bench:layout needs the corpus at ${FEEDS_DIR} (see ../shared/corpora/README.md)`);
  if (!existsSync(CHROMIUM)) throw new Error(`bench:layout needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
  const theme = process.argv.includes('--theme') ? process.argv[process.argv.indexOf('--theme') + 1]! : 'default';
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), 'digest-layout-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    console.log(`${theme} theme, ${feedFiles().length} feeds from ${path.relative(REPO, FEEDS_DIR)}, feeds' own text, images answered with 1200×675 stand-ins`);
    console.log('stories  HTML      height at 600 px  at 375 px  subject');
    for (const [total, budget] of [[10, true], [30, true], [30, false]] as const) {
      const result = await render(total, theme, work, budget);
      const html = readFileSync(result.files.html, 'utf8');
      const bytes = Buffer.byteLength(result.rendered.html);
      const stem = `${theme}-${total}${budget ? '' : '-no-budget'}`;
      writeFileSync(path.join(OUT, `${stem}.html`), html);
      const h600 = await measure(browser, html, { width: 600, shot: `${stem}-600.png` });
      const h375 = await measure(browser, html, { width: 375, shot: `${stem}-375.png` });
      await measure(browser, html, { width: 600, dark: true, shot: `${stem}-600-dark.png` });
      await measure(browser, html, { width: 375, dark: true, shot: `${stem}-375-dark.png` });
      await measure(browser, html, { width: 600, imagesOff: true, shot: `${stem}-600-images-off.png` });
      const shown = result.digest.items.length;
      const size = result.rendered.size;
      const note = size.steps.length ? ` (shortened from ${(size.originalBytes / 1000).toFixed(1)} KB: ${size.steps.join(', ')})` : budget ? '' : ' (size budget off)';
      console.log(`${String(shown).padStart(7)}  ${`${(bytes / 1000).toFixed(1)} KB`.padEnd(8)}  ${`${h600} px`.padEnd(16)}  ${`${h375} px`.padEnd(9)}  ${result.rendered.subject} (${result.rendered.subject.length} chars)${note}`);
    }
    console.log(`Screenshots: ${path.relative(process.cwd(), OUT)}/`);
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
