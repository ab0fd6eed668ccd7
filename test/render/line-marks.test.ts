import { readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { sampleConfig } from '../../src/config/load-config.js';
import { TemplateError } from '../../src/errors.js';
import { createLineMarker, locateLine, markLines, MARKED_COMPILE_OPTIONS, removeLineMarks, stripLineMarks } from '../../src/render/line-marks.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { formatRenderWarning, mapMjmlProblems, renderDigest, templateData } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { sampleDigest } from '../../src/pipeline/sample-digest.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const now = new Date('2026-11-27T07:00:00Z');
const config = sampleConfig({ cwd: '/nonexistent', env: {} });
const settings = renderSettings(config);

/** Compiles `files` (name → source) with marks in one environment; `main` is the entry. */
function compileMarked(files: Record<string, string>, main: string) {
  const hbs = Handlebars.create();
  const marker = createLineMarker();
  for (const [name, source] of Object.entries(files)) {
    if (name !== main) hbs.registerPartial(name, hbs.compile(markLines(hbs.parse(source), name, marker), MARKED_COMPILE_OPTIONS));
  }
  const marked = hbs.compile(markLines(hbs.parse(files[main]!), main, marker), MARKED_COMPILE_OPTIONS);
  const plain = Handlebars.create();
  for (const [name, source] of Object.entries(files)) if (name !== main) plain.registerPartial(name, source);
  return { marker, marked, plain: plain.compile(files[main]!, { preventIndent: true }) };
}

describe('line marks', () => {
  const files = {
    layout: '<mjml>\n  <mj-body>\n    {{#each items}}\n      {{> item}}\n    {{/each}}\n    <mj-footer/>\n  </mj-body>\n</mjml>\n',
    item: '<mj-section>\n  <mj-text>{{name}}</mj-text>\n</mj-section>',
  };

  it('map each output line to the template file and line that wrote it', () => {
    const { marker, marked } = compileMarked(files, 'layout');
    const { text, lines } = stripLineMarks(marked({ items: [{ name: 'a' }, { name: 'b' }] }), marker);
    expect(text).toBe('<mjml>\n  <mj-body>\n      <mj-section>\n  <mj-text>a</mj-text>\n</mj-section>      <mj-section>\n  <mj-text>b</mj-text>\n</mj-section>    <mj-footer/>\n  </mj-body>\n</mjml>\n');
    const where = text.split('\n').map((_, index) => {
      const location = locateLine(lines, index + 1);
      return location ? `${location.file}:${location.line}` : '?';
    });
    // Line 5 of the output starts with the first item's closing tag, written by item:3; the
    // indentation before the second item's <mj-section> is Handlebars' (preventIndent).
    expect(where).toEqual(['layout:1', 'layout:2', 'item:1', 'item:2', 'item:3', 'item:2', 'item:3', 'layout:7', 'layout:8', 'layout:9']);
  });

  it('never change the output: whitespace control and partial indentation work as without marks', () => {
    const { marker, marked, plain } = compileMarked(
      {
        ...files,
        item: '{{#if name}}\n  <mj-text>{{name}}</mj-text>\n{{else}}\n  none\n{{/if}}\n{{~#if last}} last {{~/if}}\n  {{!-- c --}}\n{{#each tags}}{{.}}{{/each}}{{name}}\n  {{> tail}}{{name}}\n',
        tail: '  tail\n',
      },
      'layout',
    );
    const data = { items: [{ name: 'a', tags: ['x', 'y'] }, { name: '' }, { name: 'c', last: true }] };
    expect(removeLineMarks(marked(data), marker)).toBe(plain(data));
  });

  it('leave the shipped themes’ output unchanged', () => {
    for (const theme of readdirSync(path.join(REPO_ROOT, 'templates'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const templates = loadTemplates(path.join(REPO_ROOT, 'templates', theme.name));
      const data = { ...templateData(sampleDigest(config, now), settings, 'rtest'), preheader: 'P' };
      const plain = Handlebars.create();
      for (const [name, helper] of Object.entries(templates.handlebars.helpers)) plain.registerHelper(name, helper);
      for (const [name, file] of templates.partials) plain.registerPartial(name, templates.sources.get(file)!);
      const expected = plain.compile(templates.sources.get(path.join(templates.dir, 'layout.mjml.hbs'))!, { preventIndent: true })(data);
      expect(stripLineMarks(templates.render.layout(data), templates.lineMarker).text, theme.name).toBe(expected);
    }
  });

  it('cannot be forged by feed text', () => {
    const { marker, marked } = compileMarked({ main: 'a\n{{x}}\nb' }, 'main');
    const forged = `\u0001zz${marker.tag === 'zz' ? 'y' : ''}0\u0002`;
    const { text, lines } = stripLineMarks(marked({ x: forged }), marker);
    expect(text).toBe(`a\n${forged}\nb`); // a mark with another tag is just text
    expect(lines).toEqual([{ file: 'main', line: 1 }, { file: 'main', line: 2 }, { file: 'main', line: 3 }]);
  });

  it('fold MJML problems repeated per item into one, traced to the template line', () => {
    const lines = [{ file: '/t/layout.mjml.hbs', line: 1 }, { file: '/t/partials/item.hbs', line: 4 }, { file: '/t/partials/item.hbs', line: 4 }, undefined];
    const warnings = mapMjmlProblems(
      [
        { line: 2, message: 'mj-text cannot be used inside mj-section', tagName: 'mj-text' },
        { line: 3, message: 'mj-text cannot be used inside mj-section', tagName: 'mj-text' },
        { line: 4, message: 'unknown' },
      ],
      lines,
    );
    expect(warnings).toEqual([
      { message: 'mj-text cannot be used inside mj-section', file: '/t/partials/item.hbs', line: 4, mjmlLine: 2, tagName: 'mj-text', count: 2 },
      { message: 'unknown', mjmlLine: 4, count: 1 },
    ]);
    expect(formatRenderWarning(warnings[0]!)).toBe('/t/partials/item.hbs:4: mj-text cannot be used inside mj-section (×2)');
    expect(formatRenderWarning(warnings[1]!)).toBe('line 4 of the expanded MJML: unknown');
  });
});

describe('MJML problems name the template file and line the editor wrote', () => {
  function theme(item: string): string {
    tmp.write('theme/layout.mjml.hbs', '<mjml>\n  <mj-body>\n    {{#each items}}\n      {{> item}}\n    {{/each}}\n  </mj-body>\n</mjml>\n');
    tmp.write('theme/subject.hbs', '{{title}}');
    tmp.write('theme/preheader.hbs', '');
    tmp.write('theme/text.hbs', '{{title}}');
    tmp.write('theme/partials/item.hbs', item);
    return path.join(tmp.dir(), 'theme');
  }
  const misplaced = '{{!-- one story --}}\n<mj-section>\n  <mj-column><mj-text>{{headline}}</mj-text></mj-column>\n  <mj-text>{{lede}}</mj-text>\n</mj-section>\n';

  it('as preview warnings', async () => {
    const rendered = await renderDigest(sampleDigest(config, now), loadTemplates(theme(misplaced)), settings, { validation: 'soft' });
    expect(rendered.warnings).toHaveLength(1);
    expect(rendered.warnings[0]).toMatchObject({ file: expect.stringMatching(/theme\/partials\/item\.hbs$/), line: 4, tagName: 'mj-text', count: 8 });
    expect(rendered.warnings[0]!.message).toMatch(/mj-text cannot be used inside mj-section/);
    // The expanded source really has the tag on a different line.
    expect(rendered.mjml.split('\n')[rendered.warnings[0]!.mjmlLine! - 1]).toContain('<mj-text>');
    expect(rendered.warnings[0]!.mjmlLine).not.toBe(4);
  });

  it('as the error that stops a run', async () => {
    const error = await renderDigest(sampleDigest(config, now), loadTemplates(theme(misplaced)), settings, { validation: 'strict' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toMatch(/theme\/partials\/item\.hbs:4: MJML rejected the template:\n {2}.*item\.hbs:4: mj-text cannot be used inside mj-section.* \(×8\)/);
    expect((error as TemplateError).context).toMatchObject({ file: expect.stringMatching(/item\.hbs$/), line: 4 });
  });

  it('a missing partial or helper is reported where it is used', async () => {
    const noPartial = await renderDigest(sampleDigest(config, now), loadTemplates(theme('<mj-section>\n  {{> qoute}}\n</mj-section>')), settings, { validation: 'soft' }).catch((e: unknown) => e);
    expect((noPartial as TemplateError).message).toMatch(/partials\/item\.hbs:2: uses the partial "qoute", which does not exist/);
    expect((noPartial as TemplateError).context.line).toBe(2);
    const noHelper = await renderDigest(sampleDigest(config, now), loadTemplates(theme('<mj-section>\n<mj-column>\n<mj-text>{{formatDat published "long"}}</mj-text>\n</mj-column>\n</mj-section>')), settings, { validation: 'soft' }).catch((e: unknown) => e);
    expect((noHelper as TemplateError).message).toMatch(/partials\/item\.hbs:3: uses "formatDat", which is neither a helper nor a value/);
  });
});
