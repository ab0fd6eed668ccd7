import type { Recipient, ResolvedConfig } from '../config/resolve-config.js';
import { addressKey, type ReaderPreferences, type StateStore, type SuppressionReason } from '../state/state-store.js';
import type { Digest } from '../types.js';
import { displayName } from '../config/display-name.js';

/**
 * Who gets a digest: the config's recipients (inline or CSV) and the confirmed subscribers, one
 * copy per address, minus every suppressed address (unsubscribed, bounced, complained, blocked)
 * and every reader who paused the digest. Each reader carries their choice of sections.
 */

export interface Reader extends Recipient {
  /** config: listed in the config or its CSV; subscriber: joined through `digest web` or `digest readers`. */
  source: 'config' | 'subscriber';
  /** The sections they want; null: every section. */
  sections: string[] | null;
}

/** The run variant the archive shows when the email had to leave stories out: all of them. */
export const WEB_VARIANT = 'web';

/** Why a reader gets nothing now. */
export type Block = SuppressionReason | 'paused';

export interface ExcludedReader {
  email: string;
  source: Reader['source'];
  /** no-sections: none of the sections they chose is in this digest. */
  why: Block | 'no-sections';
  /** With 'paused': until when. */
  until?: string;
}

export interface ReaderList {
  readers: Reader[];
  excluded: ExcludedReader[];
}

/** Whether `email` may get a digest at `now`: the reason it may not, or undefined. */
export function blockFor(store: StateStore, email: string, now: Date): { why: Block; until?: string } | undefined {
  const suppression = store.suppression(email);
  if (suppression) return { why: suppression.reason };
  const paused = pausedUntil(store.preferences(email), now);
  return paused ? { why: 'paused', until: paused } : undefined;
}

function pausedUntil(preferences: ReaderPreferences | undefined, now: Date): string | undefined {
  const until = preferences?.pausedUntil;
  return until && Date.parse(until) > now.getTime() ? until : undefined;
}

/** The readers of a send at `now`: recipients ∪ confirmed subscribers − suppressed − paused. */
export function resolveReaders(config: Pick<ResolvedConfig, 'recipients'>, store: StateStore | undefined, now: Date): ReaderList {
  const candidates: Reader[] = config.recipients.map((r) => ({ ...r, source: 'config', sections: null }));
  const seen = new Set(candidates.map((r) => addressKey(r.email)));
  for (const subscriber of store?.listSubscribers() ?? []) {
    const key = addressKey(subscriber.email);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push({ email: subscriber.email, ...(subscriber.name ? { name: subscriber.name } : {}), fields: subscriber.fields, source: 'subscriber', sections: null });
  }
  if (!store) return { readers: candidates, excluded: [] };

  const suppressed = new Map(store.listSuppressions().map((row) => [addressKey(row.email), row.reason]));
  const preferences = store.allPreferences();
  const readers: Reader[] = [];
  const excluded: ExcludedReader[] = [];
  for (const reader of candidates) {
    const key = addressKey(reader.email);
    const reason = suppressed.get(key);
    if (reason) {
      excluded.push({ email: reader.email, source: reader.source, why: reason });
      continue;
    }
    const prefs = preferences.get(key);
    const until = pausedUntil(prefs, now);
    if (until) {
      excluded.push({ email: reader.email, source: reader.source, why: 'paused', until });
      continue;
    }
    readers.push(prefs?.sections ? { ...reader, sections: prefs.sections } : reader);
  }
  return { readers, excluded };
}

/** Counts of excluded readers by reason, for summaries. */
export function countExcluded(excluded: readonly ExcludedReader[]): Partial<Record<Block | 'no-sections', number>> {
  const counts: Partial<Record<Block | 'no-sections', number>> = {};
  for (const entry of excluded) counts[entry.why] = (counts[entry.why] ?? 0) + 1;
  return counts;
}

/**
 * Which rendering a reader gets from a digest with these sections: null for the full digest (no
 * choice, or a choice that covers every section in it), a variant key naming the sections they
 * get (sorted, as JSON), or 'none' when none of their sections is in this digest.
 */
export function variantFor(reader: Pick<Reader, 'sections'>, digestSections: readonly string[]): string | null | 'none' {
  if (!reader.sections) return null;
  const wanted = new Set(reader.sections.map((s) => s.toLowerCase()));
  const kept = digestSections.filter((name) => wanted.has(name.toLowerCase()));
  if (kept.length === digestSections.length) return null;
  if (kept.length === 0) return 'none';
  return JSON.stringify([...kept].sort());
}

/** The sections a variant key names. */
export function variantSections(variant: string): string[] {
  return JSON.parse(variant) as string[];
}

/**
 * The digest with only the given sections: their stories, and of the left-out stories ("More
 * from …") only theirs. The lead, which belongs to no section, stays: it is the top story
 * for every reader, and `items` keeps it first, as templates expect (the preheader lists the
 * headlines after it).
 */
export function filterSections(digest: Digest, sections: readonly string[]): Digest {
  const keep = new Set(sections);
  const kept = digest.sections.filter((section) => keep.has(section.name));
  return {
    ...digest,
    sections: kept,
    items: [...(digest.lead ? [digest.lead] : []), ...kept.flatMap((section) => section.items)],
    leftOut: digest.leftOut.filter((story) => story.section === undefined || keep.has(story.section)),
  };
}

/**
 * The sections a reader can choose from: each configured feed's section (its name when it has
 * none, else the feed's own title as last fetched, else its host), in config order, once each.
 */
export function knownSections(config: Pick<ResolvedConfig, 'feeds'>, store: StateStore | undefined): string[] {
  const names: string[] = [];
  for (const feed of config.feeds) {
    const name = feed.section ?? displayName(feed, store?.getFeed(feed.url)?.title ?? undefined);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
