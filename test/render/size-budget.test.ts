import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleConfig } from '../../src/config/load-config.js';
import { assembleDigest } from '../../src/pipeline/assemble-digest.js';
import { loadTemplates } from '../../src/render/load-templates.js';
import { personalise } from '../../src/render/personalise.js';
import { renderDigest } from '../../src/render/render-digest.js';
import { renderSettings } from '../../src/pipeline/render-settings.js';
import { describeOversizedItems, describeSizeReport, dropImages, dropOrder, fitToBudget, keepItems, shortenLedes } from '../../src/render/size-budget.js';
import type { Digest, DigestItem } from '../../src/types.js';
import { REPO_ROOT } from '../support/temp-dir.js';

const now = new Date('2026-11-27T07:00:00Z');
const defaults = sampleConfig({ cwd: '/nonexistent', env: {} });
/** The steps are shown without a lead story (`lead.by: []`); the last test has one. */
const config = { ...defaults, lead: { by: [] } };

function item(id: string, section: string, extra: Partial<DigestItem> = {}): DigestItem {
  return {
    id,
    url: `https://example.com/${id}`,
    feedName: `${section} feed`,
    feedUrl: `https://example.com/${section}.xml`,
    section,
    published: new Date(now.getTime() - Number(id.replace(/\D/g, '') || 0) * 60_000),
    headline: `Story ${id}`,
    lede: `${'word '.repeat(40)}end of the lede for ${id}.`,
    quote: null,
    image: { url: `https://example.com/${id}.jpg`, width: 800, height: 450 },
    text: '',
    alsoIn: [],
    ...extra,
  };
}

/** Sections A (3 stories), B (1), C (2), newest first within each. */
function digestABC(): Digest {
  return assembleDigest(config, [item('a1', 'A'), item('a2', 'A'), item('a3', 'A'), item('b1', 'B'), item('c1', 'C'), item('c2', 'C')], [], now);
}

describe('size budget steps', () => {
  it('1. shorter ledes: every lede cut to the word budget, with an ellipsis; short ones kept', () => {
    const digest = assembleDigest(config, [item('a1', 'A'), item('a2', 'A', { lede: 'Short and sweet.' })], [], now);
    const shorter = shortenLedes(digest, 10);
    expect(shorter.items.map((i) => i.lede)).toEqual(['word word word word word word word word word word…', 'Short and sweet.']);
    expect(shorter.sections[0]!.items).toEqual(shorter.items);
    expect(digest.items[0]!.lede).toMatch(/end of the lede/); // the input is not changed
  });

  it('2. no images: every story image left out', () => {
    const shorter = dropImages(digestABC());
    expect(shorter.items.every((i) => i.image === null)).toBe(true);
    expect(shorter.sections.flatMap((s) => s.items)).toEqual(shorter.items);
  });

  it('3. fewer stories: the longest section loses its last story first, every section keeps its top story longest', () => {
    expect(dropOrder(digestABC()).map((i) => i.id)).toEqual(['a3', 'c2', 'a2', 'c1', 'b1', 'a1']);
    const kept = keepItems(digestABC(), 3);
    expect(kept.digest.items.map((i) => i.id)).toEqual(['a1', 'b1', 'c1']);
    expect(kept.dropped.map((i) => i.id)).toEqual(['a3', 'c2', 'a2']);
    expect(kept.digest.sections.map((s) => s.name)).toEqual(['A', 'B', 'C']);
    const one = keepItems(digestABC(), 1);
    expect(one.digest.sections.map((s) => [s.name, s.items.map((i) => i.id)])).toEqual([['A', ['a1']]]);
    expect(keepItems(digestABC(), 10).dropped).toEqual([]);
  });

  it('3. never leaves out the lead story; those left out are carried over in leftOut', () => {
    const withLead = assembleDigest(defaults, [item('a1', 'A'), item('a2', 'A'), item('b1', 'B', { alsoIn: ['A feed'] })], [], now);
    expect(withLead.lead?.id).toBe('b1');
    const kept = keepItems(withLead, 0);
    expect(kept.digest.items.map((i) => i.id)).toEqual(['b1']);
    expect(kept.digest.lead?.id).toBe('b1');
    expect(kept.digest.leftOut.map((s) => [s.id, s.reason, s.carriedOver, s.listed])).toEqual([
      ['a1', 'size-budget', true, false],
      ['a2', 'size-budget', true, false],
    ]);
  });
});

describe('fitToBudget', () => {
  /** A stand-in renderer: 200 bytes per story, plus its lede, plus 1,000 per image. */
  const fake = async (digest: Digest, omitted: number) => ({
    html: 'x'.repeat(500 + digest.items.reduce((n, i) => n + 200 + i.lede.length + (i.image ? 1000 : 0), 0)),
    omitted,
  });
  const options = { shortLedeWords: 10, limit: 0 };

  it('with a lead story: when all but one story fit, it leaves that one out (the lead is counted among those that fit)', async () => {
    const withLead = assembleDigest(defaults, [item('a1', 'A'), item('a2', 'A'), item('a3', 'A'), item('b1', 'B', { alsoIn: ['A feed'] })], [], now);
    expect(withLead.lead?.id).toBe('b1');
    const result = await fitToBudget(withLead, { ...options, limit: 1300 }, fake);
    expect(result.report.fits).toBe(true);
    expect(result.report.bytes).toBeLessThanOrEqual(1300);
    expect(result.digest.lead?.id).toBe('b1');
    expect(result.report.droppedItems.map((i) => i.id)).toEqual(['a3']);
  });

  it('with a lead story that fits alone but not beside the "N more" line: sends the lead, a little over, not every story', async () => {
    const withMoreLine = async (digest: Digest, omitted: number) => ({ html: 'x'.repeat(500 + 300 * digest.items.length + (omitted > 0 ? 400 : 0)), omitted });
    const short = { image: null, lede: 'Short.' };
    const withLead = assembleDigest(defaults, [item('a1', 'A', short), item('a2', 'A', short), item('b1', 'B', { ...short, alsoIn: ['A feed'] })], [], now);
    expect(withLead.lead?.id).toBe('b1');
    const result = await fitToBudget(withLead, { ...options, limit: 1000 }, withMoreLine);
    expect(result.digest.items.map((i) => i.id)).toEqual(['b1']);
    expect(result.report.droppedItems.map((i) => i.id).sort()).toEqual(['a1', 'a2']);
    expect(result.report).toMatchObject({ fits: false, oversizedItems: [], bytes: 1200 });
    expect(result.report.emptyBytes).toBeUndefined();
  });

  it('does nothing when the digest fits, or when there is no budget', async () => {
    const fits = await fitToBudget(digestABC(), { ...options, limit: 100_000 }, fake);
    expect(fits.report).toMatchObject({ steps: [], fits: true, limit: 100_000 });
    expect(fits.report.bytes).toBe(fits.report.originalBytes);
    const none = await fitToBudget(digestABC(), { ...options, limit: null }, fake);
    expect(none.report).toMatchObject({ steps: [], limit: null });
    expect(describeSizeReport(fits.report)).toBeUndefined();
  });

  it('stops at shorter ledes when that is enough', async () => {
    const result = await fitToBudget(digestABC(), { ...options, limit: 9000 }, fake);
    expect(result.report).toMatchObject({ steps: ['shorter-ledes'], ledeWords: 10, fits: true, imagesDropped: 0, droppedItems: [] });
    expect(result.report.bytes).toBeLessThanOrEqual(9000);
    expect(result.report.originalBytes).toBeGreaterThan(9000);
    expect(describeSizeReport(result.report)).toMatch(/^the email was \d+(\.\d)? KB, over the 9 KB size budget \(maxHtmlKilobytes\): ledes cut to 10 words; now \d+(\.\d)? KB$/);
  });

  it('then leaves out images', async () => {
    const result = await fitToBudget(digestABC(), { ...options, limit: 4000 }, fake);
    expect(result.report).toMatchObject({ steps: ['shorter-ledes', 'no-images'], imagesDropped: 6, fits: true });
    expect(result.digest.items.every((i) => i.image === null)).toBe(true);
    expect(describeSizeReport(result.report)).toMatch(/ledes cut to 10 words, 6 images left out; now/);
  });

  it('then leaves out as few stories as it must, and says how many for the "N more" line', async () => {
    const result = await fitToBudget(digestABC(), { ...options, limit: 1400 }, fake);
    expect(result.report.steps).toEqual(['shorter-ledes', 'no-images', 'fewer-items']);
    expect(result.report.droppedItems.map((i) => i.id)).toEqual(['a3', 'c2', 'a2']);
    expect(result.rendered.omitted).toBe(3);
    expect(result.digest.items.map((i) => i.id)).toEqual(['a1', 'b1', 'c1']);
    expect(result.report.bytes).toBeLessThanOrEqual(1400);
    expect(describeSizeReport(result.report)).toMatch(/6 images left out, 3 stories left out \(shown as "3 more"; they go in the next digest\); now/);
  });

  it('finds the most stories that fit in a few renders, not one per story', async () => {
    const many = assembleDigest(config, Array.from({ length: 30 }, (_, i) => item(`m${i}`, ['A', 'B', 'C'][i % 3]!, { image: null, lede: 'Short.' })), [], now);
    let renders = 0;
    const counted = async (digest: Digest, omitted: number) => {
      renders++;
      return fake(digest, omitted);
    };
    // 500 + 206 per story: 17 stories are 4,002 bytes.
    const result = await fitToBudget(many, { ...options, limit: 4100 }, counted);
    expect(result.report.steps).toEqual(['fewer-items']);
    expect(result.digest.items).toHaveLength(17);
    expect(renders).toBeLessThanOrEqual(4); // the full render and at most three probes
  });

  it('keeps the stories, and says the theme alone is too big, when even an email without stories does not fit', async () => {
    const result = await fitToBudget(digestABC(), { ...options, limit: 100 }, fake);
    expect(result.report.fits).toBe(false);
    // Leaving every story out would send an empty email and carry the stories over forever.
    expect(result.digest.items).toHaveLength(6);
    expect(result.report).toMatchObject({ droppedItems: [], oversizedItems: [], emptyBytes: 500 });
    expect(describeSizeReport(result.report)).toMatch(/even without stories the email would be 0.5 KB, so the theme alone is over the budget; the stories were kept and Gmail may clip it$/);
  });

  it('leaves out for good, and names, a story too big for any email, instead of letting it crowd out the others', async () => {
    // Newest in its section: the story every smaller version keeps longest.
    const big = item('a0', 'A', { lede: 'x'.repeat(5000), headline: 'The enormous one', url: `https://example.com/${'y'.repeat(120)}` });
    const digest = assembleDigest(config, [big, ...digestABC().items], [], now);
    const result = await fitToBudget(digest, { ...options, limit: 1400 }, fake);
    expect(result.report.oversizedItems).toEqual([{ id: 'a0', headline: 'The enormous one', feedName: 'A feed', url: big.url, bytes: 5700 }]);
    expect(result.digest.items.map((i) => i.id)).toEqual(['a1', 'b1', 'c1']);
    expect(result.report.droppedItems.map((i) => i.id)).toEqual(['a3', 'c2', 'a2']);
    expect(result.rendered.omitted).toBe(3); // "3 more": the oversized story is not coming in the next digest
    expect(result.report.fits).toBe(true);
    expect(describeSizeReport(result.report)).toMatch(/3 stories left out \(shown as "3 more"; they go in the next digest\); now/);
    expect(describeOversizedItems(result.report)).toEqual([
      expect.stringMatching(/^A feed: "The enormous one" \(https:\/\/example.com\/y+…, 140 characters\) is left out: an email with only this story is 5.7 KB, over the 1.4 KB size budget \(maxHtmlKilobytes\), so it can never be sent; it will not be offered again$/),
    ]);
  });

  it('sends one story a little over the budget rather than an email of nothing but "N more"', async () => {
    // 300 bytes a story; the "N more" line costs 400: one story fits alone, not beside the line.
    const withMoreLine = async (digest: Digest, omitted: number) => ({ html: 'x'.repeat(500 + 300 * digest.items.length + (omitted > 0 ? 400 : 0)), omitted });
    const digest = assembleDigest(config, [item('a1', 'A', { image: null, lede: 'Short.' }), item('a2', 'A', { image: null, lede: 'Short.' }), item('b1', 'B', { image: null, lede: 'Short.' })], [], now);
    const result = await fitToBudget(digest, { ...options, limit: 1000 }, withMoreLine);
    expect(result.digest.items.map((i) => i.id)).toEqual(['a1']);
    expect(result.report.droppedItems.map((i) => i.id)).toEqual(['a2', 'b1']);
    expect(result.report).toMatchObject({ fits: false, oversizedItems: [], bytes: 1200 });
    expect(describeSizeReport(result.report)).toMatch(/2 stories left out \(shown as "2 more"; they go in the next digest\); still 1.2 KB: Gmail may clip it$/);
  });

  it('leaves an email with no stories when the only story is too big for any email', async () => {
    const digest = assembleDigest(config, [item('a0', 'A', { lede: 'x'.repeat(5000), image: null })], [], now);
    const result = await fitToBudget(digest, { ...options, limit: 1400 }, fake);
    expect(result.digest.items).toEqual([]);
    expect(result.report.oversizedItems.map((i) => i.id)).toEqual(['a0']);
    expect(result.report.droppedItems).toEqual([]);
    expect(result.rendered.omitted).toBe(0);
  });
});

describe('renderDigest keeps a large digest under the budget', () => {
  const many = Array.from({ length: 40 }, (_, i) =>
    item(`s${i}`, ['World', 'Science', 'Culture'][i % 3]!, { quote: { text: 'A long enough quotation to take up some room in the email', speaker: 'A. Person' } }),
  );
  const templates = loadTemplates(path.join(REPO_ROOT, 'templates/default'));

  it('shortens, drops images and then stories, with a "N more" link to the web version', async () => {
    const settings = { ...renderSettings(config), webVersionUrl: 'https://example.com/web', maxHtmlBytes: 60_000 };
    const rendered = await renderDigest(assembleDigest(config, many, [], now), templates, settings, { validation: 'strict' });
    expect(rendered.size.originalBytes).toBeGreaterThan(60_000);
    expect(rendered.size.bytes).toBeLessThanOrEqual(60_000);
    expect(Buffer.byteLength(rendered.html)).toBe(rendered.size.bytes);
    expect(rendered.size.steps).toEqual(['shorter-ledes', 'no-images', 'fewer-items']);
    const n = rendered.size.droppedItems.length;
    expect(n).toBeGreaterThan(0);
    const html = personalise(rendered, { email: 'a@example.com' }, undefined).html;
    expect(html).toContain(`${n} more stories did not fit in this email; they will be in the next one.`);
    expect(html).toMatch(/<a href="https:\/\/example.com\/web"[^>]*>Read them all in the web version →<\/a>/);
    expect(html).not.toContain('.jpg');
    expect(rendered.text).toContain(`${n} more stories did not fit in this email; they will be in the next one. Read them all in the web version: https://example.com/web`);
  });

  it('the default budget is 100 KB, measured on compacted HTML', async () => {
    expect(renderSettings(config).maxHtmlBytes).toBe(100_000);
    const rendered = await renderDigest(assembleDigest(config, many.slice(0, 10), [], now), templates, renderSettings(config), { validation: 'strict' });
    expect(rendered.size.steps).toEqual([]);
    expect(rendered.html).not.toMatch(/\n\s*\n/); // no blank lines or indentation runs left by MJML
    expect(rendered.html).not.toMatch(/<!--(?!\[if|<!\[endif\]|>)/); // only Outlook's conditional comments
  });
});
