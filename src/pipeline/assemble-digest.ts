import type { ResolvedConfig } from '../config/resolve-config.js';
import type { Digest, DigestItem, DigestSection, FeedFailure } from '../types.js';

/** Groups items into sections (in the order the config first names them), newest first within each. */
export function assembleDigest(config: Pick<ResolvedConfig, 'title' | 'timezone'>, items: DigestItem[], failures: FeedFailure[], now: Date): Digest {
  const sections: DigestSection[] = [];
  const bySection = new Map<string, DigestSection>();
  for (const item of items) {
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
    sections,
    items: sections.flatMap((s) => s.items),
    failures,
  };
}
