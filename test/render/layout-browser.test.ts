import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/resolve-config.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { personalise } from '../../src/render/personalise.js';
import { renderDigest, type RenderedDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { applyEmailView } from '../../src/preview/email-views.js';
import { launchBrowser } from '../support/browser.js';
import { fixtureDigest, standInImage } from '../support/digest-fixture.js';
import { REPO_ROOT } from '../support/temp-dir.js';

/**
 * The shipped themes' layout in a real browser (Debian's chromium through playwright-core), on
 * a 30-story digest with a picture on every story (test/support/digest-fixture.ts): the height
 * and size bounds of issue 9, the contents block, pictures never wider than they are, dark mode
 * with readable contrast, and what a reader who blocks images sees. Image requests are answered
 * with a local stand-in picture: nothing leaves the machine. Without chromium these tests fail
 * with the command that installs it (test/support/browser.ts).
 */
const ARTIFACTS = path.join(REPO_ROOT, 'test-results');
const now = new Date('2026-11-27T07:00:00Z');

let browser: Browser;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function config(theme: string): ResolvedConfig {
  const base = sampleConfig({ cwd: '/nonexistent', env: {} });
  return { ...base, templateDir: path.join(REPO_ROOT, 'templates', theme), unsubscribeUrl: 'https://example.com/u?e={{email}}' };
}

async function render(theme: string, count: number): Promise<{ config: ResolvedConfig; rendered: RenderedDigest; html: string }> {
  const cfg = config(theme);
  const rendered = await renderDigest(fixtureDigest(cfg, count, now), loadTemplates(cfg.templateDir), renderSettings(cfg), { validation: 'strict' });
  return { config: cfg, rendered, html: personalise(rendered, { email: 'reader@example.com' }, cfg.unsubscribeUrl).html };
}

async function open(html: string, options: { width: number; dark?: boolean; imagesOff?: boolean }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width, height: 900 }, colorScheme: options.dark ? 'dark' : 'light' });
  await page.route('**/*', (route) =>
    route.request().resourceType() === 'image' && !options.imagesOff ? route.fulfill({ status: 200, contentType: 'image/svg+xml', body: standInImage() }) : route.abort(),
  );
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

/** WCAG contrast of an element's text against the first opaque background behind it. */
function contrastOf(page: Page, selector: string): Promise<{ ratio: number; color: string; background: string }> {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel);
    if (!element) throw new Error(`no ${sel}`);
    const rgb = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number);
    let node: Element | null = element;
    let background = 'rgb(255, 255, 255)';
    while (node) {
      const value = getComputedStyle(node).backgroundColor;
      const parts = rgb(value);
      if (parts.length === 3 || (parts.length === 4 && parts[3]! > 0)) {
        background = value;
        break;
      }
      node = node.parentElement;
    }
    const color = getComputedStyle(element).color;
    const luminance = (value: string) => {
      const [r, g, b] = rgb(value).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [hi, lo] = [luminance(color), luminance(background)].sort((a, b) => b - a);
    return { ratio: (hi! + 0.05) / (lo! + 0.05), color, background };
  }, selector);
}

describe('the email in a real browser', () => {
  it('default theme, 30 stories with a picture each: under 75 KB and 7,000 px at 600 px; fits a phone', async () => {
    const { rendered, html } = await render('default', 30);
    const bytes = Buffer.byteLength(rendered.html);
    expect(rendered.size.steps).toEqual([]); // a normal day is never shortened
    expect(bytes).toBeLessThan(75_000);
    const page = await open(html, { width: 600 });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: path.join(ARTIFACTS, 'layout-default-30-600.png'), fullPage: true });
    console.log(`default theme, 30 stories: ${(bytes / 1000).toFixed(1)} KB, ${height} px at 600 px`);
    // Issue 9: at most half the height of the theme before it (about 14,000 px with a hero picture per story).
    expect(height).toBeLessThanOrEqual(7000);

    // Pictures: the lead's at most 552 px (and never wider than its 1200 px source), the rest thumbnails.
    const images = await page.evaluate(() => Array.from(document.images).map((img) => ({ src: img.src, width: img.getBoundingClientRect().width, declared: img.getAttribute('width'), height: img.getAttribute('height'), alt: img.alt })));
    expect(images).toHaveLength(30);
    expect(images[0]).toMatchObject({ declared: '552', height: '311' });
    expect(images[0]!.width).toBeLessThanOrEqual(552);
    for (const image of images.slice(1)) {
      expect(image.width).toBeLessThanOrEqual(96);
      expect(image.declared).toBe('96');
      expect(image.height).toBe('54');
    }
    const headlines = rendered.digest.items.map((item) => item.headline);
    for (const image of images) expect(headlines).not.toContain(image.alt);
    await page.close();

    const phone = await open(html, { width: 375 });
    const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
    await phone.screenshot({ path: path.join(ARTIFACTS, 'layout-default-30-375.png'), fullPage: true });
    await phone.close();
  });

  it('a picture smaller than the column is shown at its own size, not stretched', async () => {
    const cfg = config('default');
    const digest = fixtureDigest(cfg, 3, now);
    const small = { ...digest.lead!, image: { url: 'https://img.example/small.jpg', width: 320, height: 180 } };
    const rendered = await renderDigest({ ...digest, lead: small, items: [small, ...digest.items.slice(1)] }, loadTemplates(cfg.templateDir), renderSettings(cfg), { validation: 'strict' });
    const page = await browser.newPage({ viewport: { width: 600, height: 900 } });
    await page.route('**/*', (route) => (route.request().resourceType() === 'image' ? route.fulfill({ status: 200, contentType: 'image/svg+xml', body: standInImage(320, 180) }) : route.abort()));
    await page.setContent(rendered.html, { waitUntil: 'load' });
    const box = await page.evaluate(() => document.images[0]!.getBoundingClientRect().width);
    expect(box).toBe(320);
    await page.close();
  });

  for (const theme of ['default', 'compact']) {
    it(`${theme}: an "In this issue" block for a long digest, linking to every story; none for a short one`, async () => {
      const long = await render(theme, 30);
      const page = await open(long.html, { width: 600 });
      const contents = await page.evaluate(() => {
        const links = Array.from(document.querySelectorAll('a[href^="#"]')).map((a) => a.getAttribute('href')!.slice(1));
        return { links, missing: links.filter((id) => !document.getElementById(id)) };
      });
      expect(await page.getByText('In this issue', { exact: false }).count()).toBeGreaterThan(0);
      expect(contents.links.length).toBeGreaterThan(theme === 'default' ? 29 : 1);
      expect(contents.missing).toEqual([]);
      await page.close();

      const short = await render(theme, 5);
      expect(short.html).not.toContain('In this issue');
    });

    it(`${theme}: dark mode applies, with readable contrast; light mode is readable too`, async () => {
      const { config: cfg, html } = await render(theme, 12);
      for (const dark of [false, true]) {
        const page = await open(html, { width: 600, dark });
        const card = await page.evaluate(() => getComputedStyle(document.querySelector('.dm-card')!).backgroundColor);
        const expected = dark ? cfg.theme.darkContentBackgroundColor : cfg.theme.contentBackgroundColor;
        const hex = (value: string) => `#${(value.match(/\d+/g) ?? []).slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;
        expect(hex(card)).toBe(expected.toLowerCase());
        for (const selector of ['a.dm-t', '.dm-card .dm-m', 'a.dm-a, .dm-card td.dm-a > div']) {
          const found = await page.locator(selector).count();
          if (found === 0) continue;
          const { ratio, color, background } = await contrastOf(page, selector);
          expect(ratio, `${theme} ${dark ? 'dark' : 'light'} ${selector}: ${color} on ${background}`).toBeGreaterThanOrEqual(4.5);
        }
        await page.screenshot({ path: path.join(ARTIFACTS, `layout-${theme}-${dark ? 'dark' : 'light'}.png`), fullPage: true });
        await page.close();
      }
    });

    it(`${theme}: with images blocked, no picture shows its headline or link-coloured alt text`, async () => {
      const { html } = await render(theme, 12);
      const page = await open(applyEmailView(html, { imagesOff: true }), { width: 600, imagesOff: true });
      const images = await page.evaluate(() => Array.from(document.images).map((img) => ({ src: img.getAttribute('src'), alt: img.alt, inLink: Boolean(img.closest('a')) })));
      expect(images.every((img) => img.src === null)).toBe(true);
      expect(images.filter((img) => img.inLink)).toEqual([]);
      const text = await page.evaluate(() => document.body.innerText);
      for (const line of text.split('\n')) expect(line).not.toMatch(/\.jpg/);
      await page.screenshot({ path: path.join(ARTIFACTS, `layout-${theme}-images-off.png`), fullPage: true });
      await page.close();
    });
  }
});
