import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleConfig } from '../../src/config/load-config.js';
import { TemplateError } from '../../src/errors.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { personalise } from '../../src/render/personalise.js';
import { compactHtml, renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { sampleDigest } from '../../src/pipeline/sample-digest.js';
import { assembleDigest } from '../../src/pipeline/assemble-digest.js';
import type { DigestItem } from '../../src/types.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const now = new Date('2026-11-27T07:00:00Z');
const config = sampleConfig({ cwd: '/nonexistent', env: {} });
const settings = renderSettings(config);
const defaultTemplates = () => loadTemplates(path.join(REPO_ROOT, 'templates/default'));

describe('renderDigest with the default template set', () => {
  it('renders every block of every item, once, as valid MJML', async () => {
    const digest = sampleDigest(config, now);
    const rendered = await renderDigest(digest, defaultTemplates(), settings, { validation: 'strict' });
    expect(rendered.warnings).toEqual([]);
    expect(rendered.subject).toBe('Morning Digest: Harbour bridge reopens after a year of repairs');
    expect(rendered.preheader).toBe('Council votes to keep the night buses running through the winter · Bees learn to count to four, a study finds · A comet will be visible to the naked eye next week');
    const html = rendered.html;
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('href="https://example.com/news/harbour-bridge"');
    expect(html).toContain('We promised the city its bridge back by spring');
    expect(html).toContain('— Maria Lopez');
    expect(html).toContain('also in City Paper');
    expect(html).toContain('src="https://example.com/images/bridge.jpg"');
    expect(html).toContain('alt="A honeybee on a yellow marker"');
    expect(html).not.toContain('alt="Harbour bridge reopens after a year of repairs"');
    expect(html).toContain('Not in this issue because they could not be read: Broken Feed.');
    expect(html).toMatch(/Friday,? 27 November 2026/);
    expect(html.match(/A comet will be visible/g)?.length).toBe(3); // the preheader, the contents and the headline
    expect(rendered.text).toContain('== NEWS ==');
    expect(rendered.text).toContain('  “We promised the city its bridge back by spring, and we are handing it over in winter”\n  — Maria Lopez');
    expect(rendered.text).toContain('Read the full story: https://example.com/news/harbour-bridge');
    expect(rendered.text).not.toMatch(/<[a-z]/i);
  });

  it('escapes hostile feed text so it cannot open or close MJML or HTML tags', async () => {
    const evil: DigestItem = {
      id: 'x',
      url: 'https://evil.example/"><script>alert(1)</script>',
      feedName: '</mj-text></mj-column><mj-raw><script>alert(2)</script></mj-raw>',
      feedUrl: 'https://evil.example/feed',
      section: 'News & <Views>',
      published: null,
      headline: '<img src=x onerror=alert(3)> {{title}} %%r123:email%%',
      lede: '</mj-text><mj-raw><iframe src="https://evil.example"></iframe></mj-raw>',
      quote: { text: '"><script>alert(4)</script>', speaker: '<b>Mallory</b>' },
      image: { url: 'javascript:alert(5)', width: 10_000, height: null },
      text: '',
      alsoIn: [],
    };
    const digest = assembleDigest(config, [evil], [], now);
    const rendered = await renderDigest(digest, defaultTemplates(), settings, { validation: 'soft' });
    const html = personalise(rendered, { email: 'a@example.com' }, undefined).html;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toContain('<b>Mallory</b>');
    expect(html).toContain('&lt;/mj-text&gt;');
    expect(html).toContain('{{title}}'); // feed text is never re-interpreted as a template
    expect(html).toContain('%%r123:email%%'); // nor as a personalisation token
  });

  it('leaves per-recipient values as tokens that personalise fills in, escaped', async () => {
    // An unsubscribe link of the operator's own (the config's unsubscribeUrl).
    const withUnsubscribe = { ...settings, hasUnsubscribe: true };
    const rendered = await renderDigest(sampleDigest(config, now), defaultTemplates(), withUnsubscribe, { validation: 'strict' });
    expect(rendered.html).toContain(`%%${rendered.marker}:email%%`);
    const mine = personalise(rendered, { email: 'o"neil+news@example.com', name: 'Pat' }, 'https://example.com/u?e={{email}}&n={{name}}');
    expect(mine.html).toContain('o&quot;neil+news@example.com subscribed');
    expect(mine.unsubscribeUrl).toBe('https://example.com/u?e=o%22neil%2Bnews%40example.com&n=Pat');
    expect(mine.html).toContain('href="https://example.com/u?e=o%22neil%2Bnews%40example.com&amp;n=Pat"');
    expect(mine.text).toContain('Unsubscribe: https://example.com/u?e=o%22neil%2Bnews%40example.com&n=Pat');
    expect(mine.html).not.toContain('%%');
    // The hash is the same for every recipient and every render of the same digest.
    const again = await renderDigest(sampleDigest(config, now), defaultTemplates(), withUnsubscribe, { validation: 'strict' });
    expect(again.hash).toBe(rendered.hash);
  });

  it('states a story image’s width, never wider than the image or the 552 px column; {{image}} alone is still its URL', async () => {
    const base = sampleDigest(config, now);
    const sized = (width: number | null) => ({ ...base, items: base.items.map((item) => (item.image ? { ...item, image: { ...item.image, width } } : item)) });
    const tag = async (width: number | null, templates = defaultTemplates()) => {
      const { html } = await renderDigest(assembleDigest(config, sized(width).items, [], now), templates, settings, { validation: 'strict' });
      return /<img\b[^>]*bridge\.jpg[^>]*>/.exec(html)?.[0] ?? '';
    };
    expect(await tag(1200)).toMatch(/\swidth="552"/);
    expect(await tag(320)).toMatch(/\swidth="320"/);
    expect(await tag(null)).toMatch(/\swidth="552"/); // unknown: the column's width, as before
    tmp.write('legacy/item.hbs', '{{#if image}}<mj-image src="{{image}}" alt="x" />{{/if}}');
    const legacy = loadTemplates(path.join(REPO_ROOT, 'templates/default'), { extraPartialsDir: path.join(tmp.dir(), 'legacy') });
    expect(await tag(320, legacy)).toContain('src="https://example.com/images/bridge.jpg"');
  });

  it('renders an empty digest with a friendly message', async () => {
    const rendered = await renderDigest(assembleDigest(config, [], [], now), defaultTemplates(), settings, { validation: 'strict' });
    expect(rendered.subject).toBe('Morning Digest: nothing new');
    expect(rendered.html).toContain('Nothing new today');
  });
});

describe('template errors', () => {
  function themeWith(overrides: Record<string, string>): string {
    const dir = path.join(tmp.dir(), 'theme');
    const files: Record<string, string> = {
      'layout.mjml.hbs': '<mjml><mj-body><mj-section><mj-column><mj-text>{{title}}</mj-text></mj-column></mj-section>{{> footer}}</mj-body></mjml>',
      'subject.hbs': '{{title}}',
      'preheader.hbs': '',
      'text.hbs': '{{title}}',
      'partials/footer.hbs': '<mj-section><mj-column><mj-text>bye</mj-text></mj-column></mj-section>',
      ...overrides,
    };
    for (const [name, content] of Object.entries(files)) tmp.write(`theme/${name}`, content);
    return dir;
  }

  it('names the file and line of a Handlebars syntax error', () => {
    const dir = themeWith({ 'partials/footer.hbs': '<mj-section>\n<mj-column>\n{{#if title}}\n<mj-text>x</mj-text>\n</mj-column>\n</mj-section>\n' });
    try {
      loadTemplates(dir);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).message).toMatch(/partials\/footer.hbs:3: \{\{#if\}\} is never closed: add \{\{\/if\}\}/);
      expect((error as TemplateError).context.line).toBe(3);
      expect((error as TemplateError).context.file).toMatch(/partials\/footer.hbs$/);
    }
  });

  it('points at a stray or unclosed {{ tag', () => {
    const dir = themeWith({ 'text.hbs': 'Hello\n{{title}\nBye' });
    expect(() => loadTemplates(dir)).toThrow(/text.hbs:2: template syntax error/);
  });

  it('explains a block closed with the wrong tag', () => {
    const dir = themeWith({ 'subject.hbs': '{{#if title}}x{{/each}}' });
    expect(() => loadTemplates(dir)).toThrow(/subject.hbs:1: \{\{\/each\}\} closes a block that was opened as \{\{#if\}\}/);
  });

  it('names a missing partial and lists the ones that exist', async () => {
    const dir = themeWith({ 'layout.mjml.hbs': '<mjml><mj-body>{{> heder}}</mj-body></mjml>' });
    const error = await renderDigest(sampleDigest(config, now), loadTemplates(dir), settings, { validation: 'soft' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toMatch(/layout.mjml.hbs:1: uses the partial "heder", which does not exist/);
    expect((error as TemplateError).hint).toMatch(/available: footer/);
  });

  it('names a missing template file', () => {
    const dir = themeWith({});
    tmp.write('theme/text.hbs', '');
    const broken = path.join(tmp.dir(), 'broken');
    tmp.write('broken/layout.mjml.hbs', '<mjml></mjml>');
    expect(() => loadTemplates(broken)).toThrow(/has no subject.hbs/);
    expect(loadTemplates(dir).partials.has('footer')).toBe(true);
  });

  it('rejects invalid MJML when sending, and only warns in preview', async () => {
    const dir = themeWith({ 'layout.mjml.hbs': '<mjml><mj-body><mj-section><mj-text>not in a column</mj-text></mj-section></mj-body></mjml>' });
    const soft = await renderDigest(sampleDigest(config, now), loadTemplates(dir), settings, { validation: 'soft' });
    expect(soft.warnings.length).toBeGreaterThan(0);
    await expect(renderDigest(sampleDigest(config, now), loadTemplates(dir), settings, { validation: 'strict' })).rejects.toThrow(/layout.mjml.hbs:1: MJML rejected the template:\n.*layout.mjml.hbs:1: mj-text cannot be used inside mj-section/);
  });
});

describe('compactHtml', () => {
  it('drops indentation and blank lines, keeping a line break where there was one, and tidies CSS', () => {
    const html = '<div>\n    <a href="x">one</a>\n\n      <b>two</b>   three\n  </div>\n<style type="text/css">\n  a { color: red; }\n  table, td { x: y; }\n</style>';
    expect(compactHtml(html)).toBe('<div>\n<a href="x">one</a>\n<b>two</b>   three\n</div>\n<style type="text/css">a{color: red;}table,td{x: y;}</style>');
  });

  it('leaves <pre> and <textarea>, where whitespace shows, alone', () => {
    const html = '<p>\n  a</p><pre>\n  keep\n    this</pre><p>\n  b</p><textarea>\n x</textarea>';
    expect(compactHtml(html)).toBe('<p>\na</p><pre>\n  keep\n    this</pre><p>\nb</p><textarea>\n x</textarea>');
  });
});
