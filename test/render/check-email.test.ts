import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleConfig } from '../../src/config/load-config.js';
import { sampleDigest } from '../../src/pipeline/sample-digest.js';
import { checkEmail, type EmailCheck } from '../../src/render/check-email.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { personalise } from '../../src/render/personalise.js';
import { renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { REPO_ROOT } from '../support/temp-dir.js';

const byId = (checks: EmailCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

describe('checkEmail', () => {
  it('passes the default theme’s email', async () => {
    const config = sampleConfig({ cwd: '/nonexistent', env: {} });
    const rendered = await renderDigest(sampleDigest(config, new Date('2026-11-27T07:00:00Z')), loadTemplates(path.join(REPO_ROOT, 'templates/default')), { ...renderSettings(config), hasUnsubscribe: true }, { validation: 'strict' });
    const mine = personalise(rendered, { email: 'a+b@example.com' }, 'https://example.com/u?e={{email}}&x=1');
    const checks = checkEmail(mine.html, { unsubscribeUrl: mine.unsubscribeUrl, preheader: rendered.preheader, maxBytes: 100_000 });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual(['lang', 'preheader', 'image-alt', 'link-href', 'http-images', 'unsubscribe', 'size']);
    expect(byId(checks).size!.detail).toMatch(/^\d+\.\d KB of HTML; Gmail clips at about 102 KB, budget 100 KB$/);
  });

  it('finds images without alt text, links without an address, http images and a missing unsubscribe link', () => {
    const html = [
      '<html><body>',
      '<img src="https://a.example/1.png" alt="One">',
      '<img src="http://a.example/2.png">',
      '<img src="https://a.example/3.png" alt="  ">',
      '<a href="https://example.com/story">ok</a><a>no href</a><a href="#">hash</a><a href="javascript:void(0)">js</a>',
      '<a href="https://example.com/u?e=x">Unsubscribe</a>',
      '</body></html>',
    ].join('');
    const checks = byId(checkEmail(html, { unsubscribeUrl: 'https://example.com/u?e=y', preheader: '' }));
    expect(checks.lang).toMatchObject({ ok: false });
    expect(checks.preheader).toMatchObject({ ok: false, detail: expect.stringMatching(/preheader\.hbs/) });
    expect(checks['image-alt']).toMatchObject({ ok: false, detail: expect.stringMatching(/^2 of 3 images have no alt text/) });
    expect(checks['image-alt']!.examples).toEqual(['<img src="http://a.example/2.png">', '<img src="https://a.example/3.png" alt=" ">']);
    expect(checks['link-href']).toMatchObject({ ok: false, detail: expect.stringMatching(/^3 links have no address/) });
    expect(checks['http-images']).toMatchObject({ ok: false, examples: ['http://a.example/2.png'] });
    expect(checks.unsubscribe).toMatchObject({ ok: false, detail: expect.stringMatching(/no link in the email uses it/) });
    expect(checkEmail(html).find((c) => c.id === 'unsubscribe')!.detail).toMatch(/set unsubscribeUrl in the config/);
  });

  it('flags HTML over Gmail’s clipping size or over the budget', () => {
    const big = `<html lang="en"><body>${'x'.repeat(103_000)}</body></html>`;
    expect(byId(checkEmail(big)).size).toMatchObject({ ok: false, detail: expect.stringMatching(/may be hidden/) });
    expect(byId(checkEmail('<html><body>small</body></html>', { maxBytes: 10 })).size!.ok).toBe(false);
  });
});
