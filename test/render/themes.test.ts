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
    it(`${theme}: passes strict MJML validation, with lang, a preheader and alt text on every image`, async () => {
      const { rendered, html, text } = await render(`template: ${theme}\nwebVersionUrl: https://example.com/web\nunsubscribeUrl: https://example.com/u?e={{email}}\ntheme:\n  logoUrl: https://example.com/logo.png\n`);
      expect(rendered.warnings).toEqual([]);
      expect(html).toMatch(/<html lang="en"/);
      expect(rendered.preheader).toMatch(/^Harbour bridge reopens/);
      expect(html).toContain(rendered.preheader); // the hidden preview text
      const images = html.match(/<img\b[^>]*>/g) ?? [];
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) expect(image, image).toMatch(/\salt="[^"]+"/);
      expect(html).toContain('href="https://example.com/u?e=reader%40example.com"');
      expect(html).toContain('href="https://example.com/web"');
      expect(text).toContain('https://example.com/u?e=reader%40example.com');
      expect(text).toContain('https://example.com/web');
      expect(text).not.toMatch(/<[a-z]/i);
    });
  }

  it('compact shows headlines without ledes or story images', async () => {
    const { rendered, html } = await render('template: compact\n');
    expect(rendered.subject).toBe('Morning Digest: 2 headlines, 27 Nov');
    expect(html).toContain('Harbour bridge reopens after a year of repairs');
    expect(html).toContain('A comet will be visible to the naked eye next week');
    expect(html).not.toContain('The harbour bridge reopened to traffic on Monday');
    expect(html).not.toContain('bridge.jpg');
    expect(html).toContain('Not included (could not be read): Broken Feed.');
    expect(rendered.text).toContain('- Harbour bridge reopens after a year of repairs (Example News, 04:00)');
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
