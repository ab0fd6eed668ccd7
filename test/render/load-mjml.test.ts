import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mjmlCoreRequire, STAND_INS } from '../../src/render/load-mjml.js';
import { REPO_ROOT } from '../support/temp-dir.js';

const run = promisify(execFile);

// Each render runs in a fresh process (the module cache is per process, and this one may have
// loaded MJML already): through load-mjml.ts as the built command does (the global setup builds
// dist/ before the suite), or through a plain require('mjml') for comparison.
const LOADER = pathToFileURL(path.join(REPO_ROOT, 'dist/render/load-mjml.js')).href;
const THROUGH_STAND_INS = `
  import { types } from 'node:util';
  import { loadMjml, mjmlCoreRequire, STAND_INS } from ${JSON.stringify(LOADER)};
  const mjml2html = await loadMjml();
  const { html } = await mjml2html(process.argv[1], { validationLevel: 'strict', keepComments: false });
  const core = mjmlCoreRequire();
  const loaded = Object.keys(STAND_INS).filter((name) => !types.isProxy(core.cache[core.resolve(name)]?.exports));
  console.log(JSON.stringify({ html, loaded }));
`;
const PLAIN = `
  import { createRequire } from 'node:module';
  const mjml2html = createRequire(${JSON.stringify(LOADER)})('mjml');
  const { html } = await mjml2html(process.argv[1], { validationLevel: 'strict', keepComments: false });
  console.log(JSON.stringify({ html }));
`;

async function render(script: string, mjml: string): Promise<{ html: string; loaded?: string[] }> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, mjml], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as { html: string; loaded?: string[] };
}

const PLAIN_LAYOUT = `<mjml><mj-head><mj-style>.lede a { color: #0645ad; }</mj-style></mj-head><mj-body>
  <mj-section><mj-column><mj-text css-class="lede">A story, <a href="https://example.com/">read on</a></mj-text></mj-column></mj-section>
</mj-body></mjml>`;

// What an editor may add: a style MJML inlines (juice) and attributes it sets by selector (cheerio).
const EDITED_LAYOUT = `<mjml><mj-head>
  <mj-style inline="inline">.lede a { color: #b00020; }</mj-style>
  <mj-html-attributes><mj-selector path=".lede a"><mj-html-attribute name="data-kind">story</mj-html-attribute></mj-selector></mj-html-attributes>
</mj-head><mj-body>
  <mj-section><mj-column><mj-text css-class="lede">A story, <a href="https://example.com/">read on</a></mj-text></mj-column></mj-section>
</mj-body></mjml>`;

describe('loading MJML (render/load-mjml.ts)', () => {
  it('each stand-in answers __esModule and is callable as the real library is', () => {
    const core = mjmlCoreRequire();
    for (const [name, shape] of Object.entries(STAND_INS)) {
      const real = core(name) as { __esModule?: boolean };
      expect({ name, esModule: real.__esModule === true, callable: typeof real === 'function' }).toEqual({ name, ...shape });
    }
  });

  it('renders a layout that uses none of the deferred libraries without loading them, and as plain MJML does', async () => {
    const [ours, plain] = await Promise.all([render(THROUGH_STAND_INS, PLAIN_LAYOUT), render(PLAIN, PLAIN_LAYOUT)]);
    expect(ours.loaded).toEqual([]);
    expect(ours.html).toBe(plain.html);
    expect(ours.html).toContain('read on');
  });

  it('loads the inliner and cheerio when a layout asks for them, with the same HTML as plain MJML', async () => {
    const [ours, plain] = await Promise.all([render(THROUGH_STAND_INS, EDITED_LAYOUT), render(PLAIN, EDITED_LAYOUT)]);
    expect(ours.loaded).toEqual(['juice', 'cheerio']);
    expect(ours.html).toBe(plain.html);
    expect(ours.html).toMatch(/<a [^>]*data-kind="story"/);
    expect(ours.html).toMatch(/<a [^>]*style="[^"]*color: ?#b00020/);
  });
});
