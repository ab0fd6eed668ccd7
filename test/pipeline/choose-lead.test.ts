import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { assembleDigest } from '../../src/pipeline/assemble-digest.js';
import { chooseLead, DEFAULT_LEAD_RULE } from '../../src/pipeline/choose-lead.js';
import type { DigestItem } from '../../src/types.js';
import { useTempDir } from '../support/temp-dir.js';

const now = new Date('2026-11-27T07:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

function story(id: string, fields: Partial<DigestItem> = {}): DigestItem {
  return {
    id,
    url: `https://example.com/${id}`,
    feedName: 'Feed A',
    feedUrl: 'https://a.example/feed',
    section: 'A',
    published: hoursAgo(5),
    headline: `Story ${id}`,
    lede: '',
    quote: null,
    image: null,
    text: '',
    alsoIn: [],
    ...fields,
  };
}

describe('the lead story rule', () => {
  const priority = (url: string) => (url === 'https://wire.example/feed' ? 2 : 0);

  it('by default: a story several feeds carry, then feed priority, then recency — not merely the newest', () => {
    expect(DEFAULT_LEAD_RULE).toEqual(['coverage', 'priority', 'recency']);
    const newest = story('celebrity', { published: hoursAgo(0.1) });
    const prioritised = story('wire', { feedUrl: 'https://wire.example/feed', published: hoursAgo(3) });
    const covered = story('war', { published: hoursAgo(6), alsoIn: ['Feed B', 'Feed C'] });
    const items = [newest, prioritised, covered];
    expect(chooseLead(items, { by: DEFAULT_LEAD_RULE, priority })?.id).toBe('war');
    // Without the widely carried story, the prioritised feed wins over the newer story.
    expect(chooseLead([newest, prioritised], { by: DEFAULT_LEAD_RULE, priority })?.id).toBe('wire');
    // With equal priority, the newest.
    expect(chooseLead([story('old', { published: hoursAgo(9) }), newest], { by: DEFAULT_LEAD_RULE })?.id).toBe('celebrity');
  });

  it('counts each other feed once, and puts undated stories after dated ones', () => {
    const twice = story('twice', { alsoIn: ['Feed B', 'Feed B'] });
    const thrice = story('thrice', { alsoIn: ['Feed B', 'Feed C'], published: null });
    expect(chooseLead([twice, thrice], { by: ['coverage'] })?.id).toBe('thrice');
    expect(chooseLead([thrice, story('dated')], { by: ['recency'] })?.id).toBe('dated');
  });

  it('is configurable: criteria in any order, "image" as one, and an empty rule for no lead', () => {
    const pictured = story('pictured', { image: { url: 'https://example.com/p.jpg', width: 800, height: 450 }, published: hoursAgo(8) });
    const covered = story('covered', { alsoIn: ['Feed B'], published: hoursAgo(7) });
    const newest = story('newest', { published: hoursAgo(1) });
    expect(chooseLead([pictured, covered, newest], { by: ['image', 'coverage'] })?.id).toBe('pictured');
    expect(chooseLead([pictured, covered, newest], { by: ['recency'] })?.id).toBe('newest');
    expect(chooseLead([pictured, covered, newest], { by: [] })).toBeNull();
    expect(chooseLead([], { by: DEFAULT_LEAD_RULE })).toBeNull();
  });

  it('breaks a full tie by the config’s feed order', () => {
    expect(chooseLead([story('first'), story('second')], { by: DEFAULT_LEAD_RULE })?.id).toBe('first');
  });
});

describe('assembleDigest with the config', () => {
  const tmp = useTempDir();

  it('reads lead.by and feeds[].priority, puts the lead first and takes it out of its section', () => {
    const configPath = tmp.write(
      'digest.config.yaml',
      ['lead:', '  by: [priority, recency]', 'feeds:', '  - url: https://a.example/feed', '  - url: https://wire.example/feed', '    priority: 5', ''].join('\n'),
    );
    const config = loadConfig({ configPath, cwd: tmp.dir(), env: {} });
    expect(config.lead.by).toEqual(['priority', 'recency']);
    const a1 = story('a1', { published: hoursAgo(1) });
    const a2 = story('a2', { published: hoursAgo(2) });
    const wire = story('wire', { feedUrl: 'https://wire.example/feed', feedName: 'Wire', section: 'Wire', published: hoursAgo(9) });
    const digest = assembleDigest(config, [a1, a2, wire], [], now);
    expect(digest.lead?.id).toBe('wire');
    expect(digest.items.map((i) => i.id)).toEqual(['wire', 'a1', 'a2']);
    expect(digest.sections.map((s) => [s.name, s.items.map((i) => i.id)])).toEqual([['A', ['a1', 'a2']]]);
  });

  it('rejects an unknown criterion, naming the setting and the choices', () => {
    const configPath = tmp.write('digest.config.yaml', 'lead:\n  by: [coverage, loudness]\n');
    expect(() => loadConfig({ configPath, cwd: tmp.dir(), env: {} })).toThrow(/lead\.by\[1\].*coverage.*priority.*image.*recency/s);
  });
});
