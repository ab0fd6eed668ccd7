import type { ResolvedConfig } from '../config/resolve-config.js';
import { isEmailAddress } from '../config/value-checks.js';
import { readCsvRows } from '../config/read-csv.js';
import { ConfigError, displayPath } from '../errors.js';
import { addressKey, StateStore, SUPPRESSION_REASONS, type SuppressionReason, type SuppressionRow } from '../state/state-store.js';
import { knownSections } from './readers.js';

/**
 * `digest readers`: who is on the list and why some get nothing, adding and removing readers,
 * and CSV import and export. Readers listed in the config (or its CSV) stay the config's: they are
 * shown and can be suppressed here, but only editing the config removes them from it.
 */

export type ReaderState = 'active' | 'paused' | 'pending' | SuppressionReason;

export interface ReaderRow {
  email: string;
  name: string | null;
  /** config: the config or its CSV; subscriber: joined through `digest web`, `readers add` or `readers import`; none: only a suppression is recorded. */
  source: 'config' | 'subscriber' | 'none';
  /** How they joined, for subscribers: web, cli, import. */
  joinedVia: string | null;
  state: ReaderState;
  /** Sections chosen; null: all. */
  sections: string[] | null;
  pausedUntil: string | null;
  suppression: Pick<SuppressionRow, 'reason' | 'source' | 'detail' | 'createdAt'> | null;
  fields: Record<string, string>;
}

function openStore(config: ResolvedConfig): StateStore {
  return StateStore.open(config.statePath);
}

/**
 * Everyone on the list (config recipients and confirmed subscribers) with their state; with `all`
 * also requests to join not confirmed yet and suppressed addresses that are on no list.
 */
export function listReaders(config: ResolvedConfig, options: { all?: boolean; now?: Date } = {}): ReaderRow[] {
  const now = options.now ?? new Date();
  const store = openStore(config);
  try {
    const suppressions = new Map(store.listSuppressions().map((s) => [addressKey(s.email), s]));
    const preferences = store.allPreferences();
    const rows: ReaderRow[] = [];
    const seen = new Set<string>();
    const add = (entry: { email: string; name: string | null; source: ReaderRow['source']; joinedVia: string | null; pending?: boolean; fields: Record<string, string> }) => {
      const key = addressKey(entry.email);
      if (seen.has(key)) return;
      seen.add(key);
      const suppression = suppressions.get(key);
      const prefs = preferences.get(key);
      const paused = prefs?.pausedUntil && Date.parse(prefs.pausedUntil) > now.getTime() ? prefs.pausedUntil : null;
      rows.push({
        ...entry,
        state: suppression ? suppression.reason : entry.pending ? 'pending' : paused ? 'paused' : 'active',
        sections: prefs?.sections ?? null,
        pausedUntil: paused,
        suppression: suppression ? { reason: suppression.reason, source: suppression.source, detail: suppression.detail, createdAt: suppression.createdAt } : null,
      });
    };
    for (const r of config.recipients) add({ email: r.email, name: r.name ?? null, source: 'config', joinedVia: null, fields: r.fields });
    for (const s of store.listSubscribers({ all: options.all })) {
      add({ email: s.email, name: s.name, source: 'subscriber', joinedVia: s.source, pending: s.status === 'pending', fields: s.fields });
    }
    if (options.all) for (const s of suppressions.values()) add({ email: s.email, name: null, source: 'none', joinedVia: null, fields: {} });
    return rows;
  } finally {
    store.close();
  }
}

function checkAddress(email: string): string {
  const trimmed = email.trim();
  if (!isEmailAddress(trimmed)) {
    throw new ConfigError('READER_BAD_ADDRESS', `"${email}" is not an email address`, { hint: 'Give one address, e.g. digest readers add ada@example.com' });
  }
  return trimmed;
}

/** Section names as the config knows them (matched ignoring case); an unknown one is an error naming the known ones. */
function checkSections(config: ResolvedConfig, store: StateStore, sections: readonly string[], where: string): string[] {
  const known = knownSections(config, store);
  return sections.map((wanted) => {
    const match = known.find((name) => name.toLowerCase() === wanted.trim().toLowerCase());
    if (!match) {
      throw new ConfigError('READER_BAD_SECTION', `${where}: there is no section "${wanted.trim()}"`, { hint: `The sections are: ${known.join(', ')}.` });
    }
    return match;
  });
}

export interface AddResult {
  email: string;
  /** It was already a confirmed subscriber, or is listed in the config. */
  already: boolean;
  inConfig: boolean;
  /** The suppression in the way: with `unsuppress` it was lifted, without it the reader still gets nothing. */
  suppression: SuppressionRow | undefined;
  unsuppressed: boolean;
}

/**
 * `digest readers add`: a confirmed subscriber (the operator vouches for them). A suppressed
 * address stays suppressed unless `unsuppress` says the reader asked to be back.
 */
export function addReader(
  config: ResolvedConfig,
  entry: { email: string; name?: string; sections?: string[]; unsuppress?: boolean },
  now: Date = new Date(),
): AddResult {
  const email = checkAddress(entry.email);
  const store = openStore(config);
  try {
    const sections = entry.sections ? checkSections(config, store, entry.sections, '--sections') : undefined;
    const inConfig = config.recipients.some((r) => addressKey(r.email) === addressKey(email));
    const already = inConfig || store.subscriber(email)?.status === 'confirmed';
    const suppression = store.suppression(email);
    store.transaction(() => {
      if (!inConfig) store.upsertSubscriber({ email, name: entry.name, status: 'confirmed', source: 'cli' }, now.toISOString());
      if (sections) store.setPreferences(email, { sections: sections.length === knownSections(config, store).length ? null : sections }, now.toISOString());
      if (suppression && entry.unsuppress) store.unsuppress(email);
    });
    return { email, already, inConfig, suppression, unsuppressed: Boolean(suppression && entry.unsuppress) };
  } finally {
    store.close();
  }
}

export interface RemoveResult {
  email: string;
  wasSubscriber: boolean;
  /** Listed in the config or its CSV: suppressed here, but still in that file. */
  inConfig: boolean;
  reason: SuppressionReason;
}

/**
 * `digest readers remove`: no more digests for this address. It is recorded as unsubscribed (the
 * reader may come back through `digest web`), or with `block` as blocked by hand (only the
 * operator can lift that); a subscriber's record is deleted.
 */
export function removeReader(config: ResolvedConfig, email: string, options: { block?: boolean } = {}): RemoveResult {
  const address = checkAddress(email);
  const reason: SuppressionReason = options.block ? 'manual' : 'unsubscribed';
  const store = openStore(config);
  try {
    const inConfig = config.recipients.some((r) => addressKey(r.email) === addressKey(address));
    const wasSubscriber = store.transaction(() => {
      const removed = store.removeSubscriber(address);
      store.suppress(address, reason, 'cli');
      return removed;
    });
    return { email: address, wasSubscriber, inConfig, reason };
  } finally {
    store.close();
  }
}

/** Columns `exportReaders` writes besides the reader's own fields; `importReaders` reads them back. */
const META_COLUMNS = ['email', 'name', 'source', 'state', 'sections', 'paused_until', 'suppressed_reason', 'suppressed_source', 'suppressed_at'] as const;

export interface ImportResult {
  file: string;
  /** New confirmed subscribers. */
  added: number;
  /** Already subscribers: name, fields and sections updated. */
  updated: number;
  /** Suppressions recorded from a `suppressed_reason` column (an export from another setup). */
  suppressed: number;
  /** Addresses suppressed here already: not added (`digest readers add --unsuppress` if they asked to be back). */
  skippedSuppressed: string[];
  /** Rows the config lists already (they stay the config's). */
  skippedConfig: number;
  /** Requests to join that were never confirmed (state pending in an export): not imported. */
  skippedPending: number;
  /** Lines that could not be used, with why. */
  problems: { line: number; message: string }[];
}

/**
 * `digest readers import FILE.csv`: confirmed subscribers from a CSV with a header row: `email`
 * (required), `name`, `sections` (separated by `;`), and any other column as a field templates
 * can use. Reads back what `exportReaders` writes, suppressions included. All or nothing.
 */
export function importReaders(config: ResolvedConfig, file: string, now: Date = new Date()): ImportResult {
  const shown = displayPath(file);
  const rows = readCsvRows(file, shown, {
    code: 'READERS_CSV',
    unreadable: 'cannot read',
    hint: 'The file must be CSV with a header row, e.g.\n  email,name\n  ada@example.com,Ada Lovelace',
  });
  if (rows[0] && !('email' in rows[0])) {
    throw new ConfigError('READERS_CSV', `${shown}: no "email" column in the header row (found: ${Object.keys(rows[0]).join(', ')})`, {
      context: { file: shown, line: 1 },
      hint: 'Name the address column "email", e.g.\n  email,name\n  ada@example.com,Ada Lovelace',
    });
  }
  const result: ImportResult = { file, added: 0, updated: 0, suppressed: 0, skippedSuppressed: [], skippedConfig: 0, skippedPending: 0, problems: [] };
  const store = openStore(config);
  try {
    const known = knownSections(config, store);
    const inConfig = new Set(config.recipients.map((r) => addressKey(r.email)));
    const seen = new Set<string>();
    store.transaction(() => {
      rows.forEach((row, index) => {
        const line = index + 2;
        const email = (row.email ?? '').trim();
        if (!isEmailAddress(email)) return result.problems.push({ line, message: `${JSON.stringify(email)} is not an email address; skipped` });
        const key = addressKey(email);
        if (seen.has(key)) return result.problems.push({ line, message: `${email} is in the file more than once; the first line counts` });
        seen.add(key);
        const reason = (row.suppressed_reason ?? '').trim();
        if (reason) {
          if (!SUPPRESSION_REASONS.includes(reason as SuppressionReason)) return result.problems.push({ line, message: `suppressed_reason "${reason}" is not one of ${SUPPRESSION_REASONS.join(', ')}; skipped` });
          store.suppress(email, reason as SuppressionReason, row.suppressed_source?.trim() || 'import', `imported from ${shown}`);
          result.suppressed++;
          return;
        }
        if (row.source === 'config' || inConfig.has(key)) return result.skippedConfig++;
        if (row.state === 'pending') return result.skippedPending++;
        if (store.isSuppressed(email)) return result.skippedSuppressed.push(email);
        let sections: string[] | null | undefined;
        if (row.sections?.trim()) {
          const wanted = row.sections.split(';').map((s) => s.trim()).filter(Boolean);
          const unknown = wanted.filter((w) => !known.some((k) => k.toLowerCase() === w.toLowerCase()));
          if (unknown.length) return result.problems.push({ line, message: `no section ${unknown.map((u) => `"${u}"`).join(', ')} (the sections are: ${known.join(', ')}); skipped` });
          const matched = known.filter((k) => wanted.some((w) => w.toLowerCase() === k.toLowerCase()));
          sections = matched.length === known.length ? null : matched;
        }
        const fields = Object.fromEntries(
          Object.entries(row)
            .filter(([column, value]) => !(META_COLUMNS as readonly string[]).includes(column) && value !== '')
            .map(([column, value]) => [column, fromCsv(value)]),
        );
        const existing = store.subscriber(email)?.status === 'confirmed';
        store.upsertSubscriber({ email, name: row.name?.trim() ? fromCsv(row.name.trim()) : undefined, fields, status: 'confirmed', source: 'import' }, now.toISOString());
        if (sections !== undefined) store.setPreferences(email, { sections }, now.toISOString());
        if (row.paused_until && Date.parse(row.paused_until) > now.getTime()) store.setPreferences(email, { pausedUntil: new Date(row.paused_until).toISOString() }, now.toISOString());
        if (existing) result.updated++;
        else result.added++;
      });
    });
    return result;
  } finally {
    store.close();
  }
}

/**
 * A value a spreadsheet would run as a formula (a name typed into the sign-up form can start with
 * "="): written with a leading apostrophe, which spreadsheets hide and `importReaders` removes.
 */
const FORMULA = /^[=+\-@\t\r]/;

function csvField(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || /^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function fromCsv(value: string): string {
  return value.startsWith("'") && FORMULA.test(value.slice(1)) ? value.slice(1) : value;
}

/**
 * `digest readers export`: every reader (config recipients, subscribers, requests to join and
 * suppressed addresses) as CSV, with their state, sections and fields. `importReaders` reads it.
 */
export function exportReaders(config: ResolvedConfig, now: Date = new Date()): string {
  const rows = listReaders(config, { all: true, now });
  const fieldColumns = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))].filter((c) => !(META_COLUMNS as readonly string[]).includes(c)).sort();
  const lines = [[...META_COLUMNS, ...fieldColumns].join(',')];
  for (const r of rows) {
    const values = [
      r.email,
      r.name ?? '',
      r.source,
      r.state,
      r.sections ? r.sections.join(';') : '',
      r.pausedUntil ?? '',
      r.suppression?.reason ?? '',
      r.suppression?.source ?? '',
      r.suppression?.createdAt ?? '',
      ...fieldColumns.map((c) => r.fields[c] ?? ''),
    ];
    lines.push(values.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
