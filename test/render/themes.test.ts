import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { loadTheme } from '../../src/render/load-theme.js';
import { personalise } from '../../src/render/personalise.js';
import { renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { sampleDigest } from '../../src/pipeline/sample-digest.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const now = new Date('2026-11-27T07:00:00Z');

function configFrom(yaml: string, file = 'digest.config.yaml') {
  const configPath = tmp.write(file, yaml);
  return loadConfig({ configPath, cwd: tmp.dir(), env: {} });
}

async function render(yaml: string, file?: string) {
  const config = configFrom(yaml, file);
  const rendered = await renderDigest(sampleDigest(config, now), loadTheme(config), renderSettings(config), { validation: 'strict' });
  const personal = personalise(rendered, { email: 'reader@example.com' }, config.unsubscribeUrl);
  return { config, rendered, html: personal.html, text: personal.text };
}

const shippedThemes = readdirSync(path.join(REPO_ROOT, 'templates'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

describe('shipped themes', () => {
  it('are default and compact', () => {
    expect(shippedThemes.sort()).toEqual(['compact', 'default']);
  });

  for (const theme of shippedThemes) {
    it(`${theme}: passes strict MJML validation, with lang, a preheader, and alt text that never repeats a headline`, async () => {
      const { rendered, html, text } = await render(`template: ${theme}\nwebVersionUrl: https://example.com/web\nunsubscribeUrl: https://example.com/u?e={{email}}\ntheme:\n  logoUrl: https://example.com/logo.png\n`);
      expect(rendered.warnings).toEqual([]);
      expect(html).toMatch(/<html lang="en"/);
      expect(rendered.preheader).toMatch(theme === 'default' ? /^Council votes to keep the night buses/ : /^Harbour bridge reopens/);
      expect(html).toContain(rendered.preheader); // the hidden preview text
      const images = html.match(/<img\b[^>]*>/g) ?? [];
      expect(images.length).toBeGreaterThan(1);
      const headlines = rendered.digest.items.map((item) => item.headline);
      for (const image of images) {
        const alt = /\salt="([^"]*)"/.exec(image)?.[1];
        expect(alt, image).toBeDefined();
        expect(headlines, image).not.toContain(alt);
      }
      expect(images.find((image) => image.includes('logo.png'))).toMatch(/alt="Morning Digest"/);
      expect(html).toContain('href="https://example.com/u?e=reader%40example.com"');
      expect(html).toContain('href="https://example.com/web"');
      expect(text).toContain('https://example.com/u?e=reader%40example.com');
      expect(text).toContain('https://example.com/web');
      expect(text).not.toMatch(/<[a-z]/i);
    });

    it(`${theme}: the lead story first, with its picture at its size; a subject of at most 70 characters; native dark mode`, async () => {
      const { rendered, html } = await render(`template: ${theme}\ntitle: The Harbour Town Morning Digest\n`);
      expect(rendered.digest.lead?.headline).toBe('Harbour bridge reopens after a year of repairs');
      expect(rendered.subject.length).toBeLessThanOrEqual(70);
      expect(rendered.subject).toBe(theme === 'default' ? 'The Harbour Town Morning Digest: Harbour bridge reopens after a year…' : 'The Harbour Town Morning Digest: 8 headlines, 27 Nov');
      // The lead's picture (1200 × 800) at the column's width, its height in proportion.
      const width = theme === 'default' ? 552 : 520;
      expect(html).toContain(`<img src="https://example.com/images/bridge.jpg" width="${width}" height="${Math.round((width * 800) / 1200)}"`);
      expect(html.indexOf('id="story-1"')).toBeGreaterThan(-1);
      expect(html.indexOf('id="story-1"')).toBeLessThan(html.indexOf('id="story-2"'));
      expect(html).toContain('<meta name="color-scheme" content="light dark">');
      expect(html).toMatch(/@media \(prefers-color-scheme: ?dark\)/);
      expect(html).toContain('#1b1e22'); // theme.darkContentBackgroundColor
    });
  }

  it('default: thumbnails never wider than the picture; one link per story; a read-more link on the lead only; contents for 8 stories', async () => {
    const { rendered, html } = await render('unsubscribeUrl: https://example.com/u\n');
    // 640 px picture: a 96 px thumbnail, height in proportion; unknown size: 96 px wide, no height.
    expect(html).toContain('<img src="https://example.com/images/bees.jpg" width="96" height="72" alt="A honeybee on a yellow marker"');
    expect(html).toMatch(/<img src="https:\/\/example.com\/images\/bus.jpg" width="96" alt=""/);
    const story2 = html.match(/href="https:\/\/example.com\/story\/2"/g) ?? [];
    expect(story2).toHaveLength(1);
    expect(html.match(/Read the full story →/g)).toHaveLength(1);
    expect(html).toContain('In this issue');
    expect(html).toContain('href="#story-2"');
    expect(html).toContain('id="story-2"');
    expect(rendered.text).toContain('== TOP STORY ==');
  });

  it('"More from": the stories over the limits, per feed, with the newest few linked and the feed’s site', async () => {
    const { html, text } = await render('');
    expect(html).toContain('More from Example News: 4 stories');
    expect(html).toContain('href="https://example.com/more/1"');
    expect(html).toContain('1 more on example.com →');
    expect(html).toContain('More from Market Notes: 1 story');
    expect(text).toContain('Example News: 4 stories (https://www.example.com/news)');
    const compact = await render('template: compact\n');
    expect(compact.html).toContain('Also new, not in this issue:');
    expect(compact.html).toContain('Market Notes (1)');
  });

  it('compact shows the lead with its opening lines, then headlines without ledes or images', async () => {
    const { rendered, html } = await render('template: compact\n');
    expect(rendered.subject).toBe('Morning Digest: 8 headlines, 27 Nov');
    expect(html).toContain('A comet will be visible to the naked eye next week');
    expect(html).toContain('The harbour bridge reopened to traffic on Monday');
    expect(html).not.toContain('Skywatchers in the northern hemisphere');
    expect(html).not.toContain('bees.jpg');
    expect(html).toContain('Not included (could not be read): Broken Feed.');
    expect(rendered.text).toContain('- A comet will be visible to the naked eye next week (Example Science)');
  });
});

describe('theme settings come from the config', () => {
  it('colours, fonts, logo and link labels', async () => {
    const { html, rendered } = await render(
      [
        'webVersionUrl: https://example.com/web',
        'unsubscribeUrl: https://example.com/u',
        'theme:',
        '  accentColor: "#123456"',
        '  textColor: "#0a0b0c"',
        '  backgroundColor: "#fafafa"',
        '  contentBackgroundColor: "#fffff0"',
        '  mutedColor: "#777777"',
        '  dividerColor: "#dddddd"',
        '  fontFamily: Verdana, sans-serif',
        '  headingFontFamily: Tahoma, sans-serif',
        '  logoUrl: https://example.com/logo.png',
        '  logoAlt: Our paper',
        '  logoWidth: 120',
        '  readMoreLabel: Weiterlesen',
        '  webVersionLabel: Im Browser öffnen',
        '  unsubscribeLabel: Abmelden',
        'locale: de-DE',
        'timezone: Europe/Berlin',
        '',
      ].join('\n'),
    );
    for (const value of ['#123456', '#0a0b0c', '#fafafa', '#fffff0', '#777777', '#dddddd', 'Verdana, sans-serif', 'Tahoma, sans-serif', 'Weiterlesen →', 'Im Browser öffnen', '>Abmelden<']) {
      expect(html, value).toContain(value);
    }
    expect(html).toMatch(/<img[^>]+alt="Our paper"[^>]+src="https:\/\/example.com\/logo.png"[^>]+width="120"/);
    expect(html).toContain('Freitag, 27. November 2026');
    expect(html).toContain('<html lang="de"');
    // No colour of the default theme is left hard-coded in the templates.
    for (const value of ['#c2410c', '#1f2933', '#f4f1ec', '#6b7280', '#e5e7eb', 'Georgia']) expect(html, value).not.toContain(value);
    expect(rendered.text).toContain('Weiterlesen: https://example.com/news/harbour-bridge');
  });

  it('template: compact picks the compact theme', async () => {
    const { config } = await render('template: compact\n');
    expect(config.templateDir).toBe(path.join(REPO_ROOT, 'templates/compact'));
  });

  it('a theme folder outside the project, and a partials folder that adds and replaces partials', async () => {
    cpSync(path.join(REPO_ROOT, 'templates/default'), path.join(tmp.dir(), 'elsewhere/house-style'), { recursive: true });
    tmp.write('elsewhere/house-style/partials/header.hbs', '<mj-section><mj-column><mj-text>House header</mj-text></mj-column></mj-section>\n{{> sponsor}}');
    tmp.write('site/partials/footer.hbs', '<mj-section><mj-column><mj-text>Site footer for {{recipient.email}}</mj-text></mj-column></mj-section>');
    tmp.write('site/partials/sponsor.hbs', '<mj-section><mj-column><mj-text>Sponsored by {{title}}</mj-text></mj-column></mj-section>');
    const { html, config } = await render('template: ../elsewhere/house-style\npartials: partials\n', 'site/digest.config.yaml');
    expect(config.templateDir).toBe(path.join(tmp.dir(), 'elsewhere/house-style'));
    expect(config.partialsDir).toBe(path.join(tmp.dir(), 'site/partials'));
    expect(html).toContain('House header');
    expect(html).toContain('Sponsored by Morning Digest');
    expect(html).toContain('Site footer for reader@example.com');
    expect(html).not.toContain('You are receiving');
  });

  it('a partials folder that does not exist is a config error naming the setting', () => {
    expect(() => configFrom('partials: nope\n')).toThrow(ConfigError);
    expect(() => configFrom('partials: nope\n')).toThrow(/digest.config.yaml: partials: no folder .*nope/);
  });
});
