import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { checkSetup } from '../../src/pipeline/check-setup.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

/** A project with its own copy of the default theme, so the test can edit it. */
function project(): ReturnType<typeof loadConfig> {
  cpSync(path.join(REPO_ROOT, 'templates/default'), path.join(tmp.dir(), 'theme'), { recursive: true });
  tmp.write('digest.config.yaml', 'template: ./theme\nfeeds: []\n');
  return loadConfig({ cwd: tmp.dir(), env: {} });
}

const themeItem = (items: { what: string; detail: string; ok: boolean }[]) => items.find((i) => i.what === 'templates theme (in use)')!;

describe('digest check remembers template sets that passed', () => {
  it('renders a set once, reuses the result while nothing it depends on changes, and checks it again after an edit', async () => {
    const config = project();
    const first = themeItem((await checkSetup(config)).items);
    expect(first).toMatchObject({ ok: true, detail: expect.stringMatching(/^renders \(\d+ KB of HTML for a 2-item sample\)$/) });

    const again = themeItem((await checkSetup(config)).items);
    expect(again.ok).toBe(true);
    expect(again.detail).toMatch(/; unchanged since checked at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

    const fresh = themeItem((await checkSetup(config, new Date(), { noCache: true })).items);
    expect(fresh.detail).not.toMatch(/unchanged/);

    // A partial saved with an MJML mistake: the set is checked again and fails, with file and line.
    const item = path.join(tmp.dir(), 'theme/partials/item.hbs');
    writeFileSync(item, `${readFileSync(item, 'utf8')}\n<mj-section><mj-text>wrong place</mj-text></mj-section>\n`);
    const broken = themeItem((await checkSetup(config)).items);
    expect(broken.ok).toBe(false);
    expect(broken.detail).toMatch(/theme\/partials\/item\.hbs:\d+/);
    // A failing set is never remembered: it fails again until it is fixed.
    expect(themeItem((await checkSetup(config)).items).ok).toBe(false);
  });

  it('checks again when a setting that shapes the email changes', async () => {
    const config = project();
    await checkSetup(config);
    const recoloured = { ...config, theme: { ...config.theme, accentColor: '#123456' } };
    expect(themeItem((await checkSetup(recoloured)).items).detail).not.toMatch(/unchanged/);
  });
});
