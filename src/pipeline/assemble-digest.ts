import type { ResolvedConfig } from '../config/resolve-config.js';
import type { Digest, DigestItem, DigestSection, FeedFailure, LeftOutStory } from '../types.js';
import { chooseLead, DEFAULT_LEAD_RULE } from './choose-lead.js';

export type AssembleConfig = Pick<ResolvedConfig, 'title' | 'timezone'> & Partial<Pick<ResolvedConfig, 'lead' | 'feeds'>>;

/**
 * Picks the lead story (choose-lead.ts, by the config's `lead.by`), then groups the other stories
 * into sections (in the order the config first names them), newest first within each. `items`
 * come in config feed order.
 */
export function assembleDigest(config: AssembleConfig, items: DigestItem[], failures: FeedFailure[], now: Date, leftOut: LeftOutStory[] = []): Digest {
  const priorities = new Map((config.feeds ?? []).map((feed) => [feed.url, feed.priority ?? 0]));
  const lead = chooseLead(items, { by: config.lead?.by ?? DEFAULT_LEAD_RULE, priority: (url) => priorities.get(url) ?? 0 });
  const sections: DigestSection[] = [];
  const bySection = new Map<string, DigestSection>();
  for (const item of items) {
    if (item === lead) continue;
    let section = bySection.get(item.section);
    if (!section) {
      section = { name: item.section, items: [] };
      bySection.set(item.section, section);
      sections.push(section);
    }
    section.items.push(item);
  }
  for (const section of sections) {
    // Newest first; undated items keep their feed order, after the dated ones.
    section.items.sort((a, b) => (b.published?.getTime() ?? 0) - (a.published?.getTime() ?? 0));
  }
  return {
    title: config.title,
    date: now,
    timezone: config.timezone,
    lead,
    sections,
    items: [...(lead ? [lead] : []), ...sections.flatMap((s) => s.items)],
    leftOut,
    failures,
  };
}
