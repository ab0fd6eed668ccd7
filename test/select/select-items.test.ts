import { describe, expect, it } from 'vitest';
import { isFinalVerdict, selectItems, type FeedItems } from '../../src/select/select-items.js';
import { itemId } from '../../src/select/item-id.js';
import type { RawItem } from '../../src/types.js';

const now = new Date('2026-11-27T07:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

function feed(name: string, items: RawItem[], extra: Partial<FeedItems> = {}): FeedItems {
  return { source: { url: `https://${name.toLowerCase()}.example/feed` }, name, section: name, items, firstRun: false, ...extra };
}
function story(n: number, extra: Partial<RawItem> = {}): RawItem {
  return { guid: `g${n}`, title: `Story number ${n}`, link: `https://news.example/${n}`, published: hoursAgo(n), ...extra };
}
const options = { seen: new Set<string>(), perFeed: 5, total: 30, firstRun: 3, maxAgeDays: 0, now };

describe('selectItems', () => {
  it('takes unseen items newest first, up to the per-feed limit', () => {
    const a = feed('A', [story(5), story(1), story(3), story(2), story(4), story(6)]);
    const { chosen, decisions } = selectItems([a], options);
    expect(chosen.map((c) => c.item.guid)).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
    expect(decisions.find((d) => d.title === 'Story number 6')?.verdict).toBe('over-feed-limit');
  });

  it('skips seen items and says so', () => {
    const a = feed('A', [story(1), story(2)]);
    const seen = new Set([itemId(story(1), a.source.url)]);
    const { chosen, decisions } = selectItems([a], { ...options, seen });
    expect(chosen.map((c) => c.item.guid)).toEqual(['g2']);
    expect(decisions.map((d) => d.verdict).sort()).toEqual(['included', 'seen']);
  });

  it('does not flood on a feed’s first run: only its newest few are eligible', () => {
    const a = feed('A', [1, 2, 3, 4, 5].map((n) => story(n)), { firstRun: true });
    const { chosen, decisions } = selectItems([a], options);
    expect(chosen.map((c) => c.item.guid)).toEqual(['g1', 'g2', 'g3']);
    expect(decisions.filter((d) => d.verdict === 'first-run-backlog')).toHaveLength(2);
  });

  it('holds back items from the future and older than the maximum age; undated items still work', () => {
    const a = feed('A', [story(-48), story(24 * 10), story(2), { guid: 'nodate', title: 'Undated story' }]);
    const { chosen, decisions } = selectItems([a], { ...options, maxAgeDays: 7 });
    expect(chosen.map((c) => c.item.guid)).toEqual(['g2', 'nodate']);
    expect(decisions.find((d) => d.id === itemId(story(-48), a.source.url))?.verdict).toBe('future');
    expect(decisions.find((d) => d.id === itemId(story(240), a.source.url))?.verdict).toBe('too-old');
  });

  it('says what the age limit was; a feed’s own maxAgeDays wins; previewing the latest items ignores it', () => {
    const a = feed('A', [story(24 * 3), story(24 * 10)]);
    const tooOld = selectItems([a], { ...options, maxAgeDays: 7 }).decisions.filter((d) => d.verdict === 'too-old');
    expect(tooOld.map((d) => d.detail)).toEqual(['older than 7 days']);
    const strict = feed('A', a.items, { source: { url: a.source.url, maxAgeDays: 1 } });
    expect(selectItems([strict], { ...options, maxAgeDays: 7 }).decisions.filter((d) => d.verdict === 'too-old').map((d) => d.detail)).toEqual(['older than 1 day', 'older than 1 day']);
    expect(selectItems([a], { ...options, maxAgeDays: 7, includeSeen: true }).chosen).toHaveLength(2);
  });

  it('names an item without a title by the start of its text, never "(untitled)"', () => {
    const a = feed('A', [{ guid: 'p1', summary: '<p>Got a wedding date 😎 &amp; a venue</p>', published: hoursAgo(1) }, { guid: 'p2', link: 'https://social.example/2', published: hoursAgo(2) }]);
    expect(selectItems([a], options).decisions.map((d) => d.title)).toEqual(['Got a wedding date 😎 & a venue', 'https://social.example/2']);
  });

  it('shows a story carried by several feeds once, with "also in"', () => {
    const title = 'Port strike ends after eleven days of talks';
    const a = feed('A', [story(1, { title, link: 'https://www.shared.example/story?utm_source=a' })]);
    const b = feed('B', [story(2, { guid: 'other', link: 'http://shared.example/story' })]);
    const c = feed('C', [{ guid: 'c1', title: `${title.toUpperCase()}!`, link: 'https://c.example/x', published: hoursAgo(1) }]);
    const { chosen, decisions } = selectItems([a, b, c], options);
    expect(chosen).toHaveLength(1);
    expect(chosen[0]!.alsoIn).toEqual(['B', 'C']);
    expect(decisions.filter((d) => d.verdict === 'duplicate').map((d) => d.detail)).toEqual(['A', 'A']);
  });

  it('treats near-identical headlines in different feeds as one story, but not merely similar ones', () => {
    const a = feed('A', [story(1, { title: 'Rotterdam port strike ends after eleven days as dockworkers accept raise' })]);
    const b = feed('B', [story(2, { title: 'Rotterdam port strike ends after eleven days as dockworkers accept a raise' })]);
    const c = feed('C', [story(3, { title: 'Rotterdam port strike enters its eleventh day as talks stall again' })]);
    const d = feed('D', [story(4, { title: 'Live: day 3 of the Rotterdam port strike talks in the city' })]);
    const e = feed('E', [story(5, { title: 'Live: day 4 of the Rotterdam port strike talks in the city' })]);
    const { chosen } = selectItems([a, b, c, d, e], options);
    expect(chosen.map((x) => x.feed.name)).toEqual(['A', 'C', 'D', 'E']);
    expect(chosen[0]!.alsoIn).toEqual(['B']);
  });

  it('shares the total limit round-robin so one busy feed cannot crowd out the rest', () => {
    const busy = feed('Busy', [1, 2, 3, 4, 5].map((n) => story(n)));
    const quiet = feed('Quiet', [story(30, { guid: 'q', link: 'https://q.example/1', title: 'Quiet story' })]);
    const { chosen, decisions } = selectItems([busy, quiet], { ...options, total: 3 });
    expect(chosen.map((c) => c.item.guid)).toEqual(['g1', 'g2', 'q']);
    expect(decisions.filter((d) => d.verdict === 'over-total-limit')).toHaveLength(3);
  });

  it('honours a feed’s own limit over the global one', () => {
    const a = feed('A', [1, 2, 3].map((n) => story(n)));
    a.source.limit = 1;
    expect(selectItems([a], options).chosen).toHaveLength(1);
  });

  it('previews the latest items, seen or not, when asked to', () => {
    const a = feed('A', [story(1)]);
    const seen = new Set([itemId(story(1), a.source.url)]);
    expect(selectItems([a], { ...options, seen, includeSeen: true }).chosen).toHaveLength(1);
  });
  it('holds back what a feed’s filters reject, names the filter, and lets it stand in for nothing', async () => {
    const a = feed('A', [story(1, { title: 'Cup final: the sport of the year' }), story(2), story(3), story(4, { title: 'Weather warning for the coast' })], {
      source: { url: 'https://a.example/feed', exclude: ['sport'], include: ['story', 'weather'] },
      firstRun: true,
    });
    // B carries A's filtered story: it is B's to show, not a duplicate of a held-back one.
    const b = feed('B', [story(9, { title: 'Cup final: the sport of the year', link: 'https://news.example/1' })]);
    expect(() => selectItems([a, b], options)).toThrow(/has filters, but no filter module was given/);
    const { chosen, decisions } = selectItems([a, b], { ...options, firstRun: 2, filters: await import('../../src/select/feed-filters.js') });
    const verdict = (title: string, feedName = 'A') => decisions.find((d) => d.title === title && d.feed === feedName);
    expect(verdict('Cup final: the sport of the year')).toMatchObject({ verdict: 'filtered', detail: 'exclude "sport"' });
    expect(verdict('Cup final: the sport of the year', 'B')?.verdict).toBe('included');
    // A filtered story does not use up a first-run place: the newest two that pass are taken.
    expect(chosen.filter((c) => c.feed === a).map((c) => c.item.guid)).toEqual(['g2', 'g3']);
    expect(verdict('Weather warning for the coast')?.verdict).toBe('first-run-backlog');
    expect(isFinalVerdict('filtered')).toBe(true);
  });
});
