import { existsSync, mkdirSync, statSync } from 'node:fs';
import { open as fsOpen, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from './open-database.js';
import { environmentProblem, StateError, type ErrorCode } from '../errors.js';

/**
 * The job's memory, in one SQLite file: which items were seen (tombstones, never pruned, so an
 * item that leaves a feed and comes back is not new), each feed's HTTP validators and health, and
 * the run ledger (run → items → rendered digest → per-recipient result) that makes a rerun after a
 * crash finish the same run instead of sending anyone a second copy.
 */

const MIGRATIONS: string[] = [
  `
  CREATE TABLE feeds (
    url TEXT PRIMARY KEY,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    moved_to TEXT,
    gone INTEGER NOT NULL DEFAULT 0,
    first_seen_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_status TEXT,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE items (
    id TEXT PRIMARY KEY,
    feed_url TEXT NOT NULL,
    url TEXT,
    title TEXT,
    published_at TEXT,
    first_seen_at TEXT NOT NULL,
    -- see ItemStatus
    status TEXT NOT NULL,
    reason TEXT,
    run_id INTEGER
  );
  CREATE INDEX items_feed ON items (feed_url);
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    slot TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    -- 'sending' until every recipient has a final status, then 'done' or 'partial'
    status TEXT NOT NULL,
    digest_hash TEXT NOT NULL,
    subject TEXT NOT NULL,
    preheader TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    -- the token marker of the rendering, so a resumed run personalises the same digest
    marker TEXT NOT NULL,
    item_count INTEGER NOT NULL
  );
  CREATE TABLE run_items (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    item_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (run_id, item_id)
  );
  CREATE TABLE deliveries (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    recipient TEXT NOT NULL,
    name TEXT,
    fields TEXT NOT NULL DEFAULT '{}',
    -- pending | sending | sent | failed-temporary | failed-permanent
    status TEXT NOT NULL,
    message_id TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, recipient)
  );
  `,
  // 2: the delivery settings a run was composed with (so a resumed or retried run sends the same
  // message), item lookups by run, and a record of what happened to each scheduled slot.
  `
  ALTER TABLE runs ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
  CREATE INDEX items_run ON items (run_id);
  CREATE TABLE slots (
    slot TEXT PRIMARY KEY,
    -- sent | nothing-new | skipped
    outcome TEXT NOT NULL,
    run_id INTEGER,
    detail TEXT,
    recorded_at TEXT NOT NULL
  );
  `,
  // 3: addresses no digest may go to (unsubscribed, bounced, complained, blocked by hand), keyed
  // by the lower-cased address.
  `
  CREATE TABLE suppressions (
    address TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    -- see SuppressionReason
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // 4: readers who joined themselves (double opt-in) or were added by the operator, what each
  // reader wants (sections, a pause), the renderings of a run per distinct choice of sections,
  // and soft bounces counted per address.
  `
  CREATE TABLE subscribers (
    address TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT,
    fields TEXT NOT NULL DEFAULT '{}',
    -- pending (asked, not confirmed yet) | confirmed
    status TEXT NOT NULL,
    -- web | cli | import
    source TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    confirmed_at TEXT
  );
  CREATE TABLE reader_preferences (
    address TEXT PRIMARY KEY,
    -- JSON list of section names; NULL: every section
    sections TEXT,
    paused_until TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE run_variants (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    variant TEXT NOT NULL,
    digest_hash TEXT NOT NULL,
    subject TEXT NOT NULL,
    preheader TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    marker TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    PRIMARY KEY (run_id, variant)
  );
  ALTER TABLE deliveries ADD COLUMN variant TEXT;
  CREATE TABLE soft_bounces (
    address TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    last_detail TEXT
  );
  CREATE INDEX deliveries_sent ON deliveries (run_id, status);
  -- The archive's index reads only this (rows of runs carry whole renderings).
  CREATE INDEX runs_archive ON runs (kind, id, started_at, slot, subject, preheader, item_count);
  `,
  // 5: what `digest bounces` read: one row per notice (bounce, complaint) and reader, so a notice
  // read twice counts once; soft bounces are counted from here. Deliveries found by Message-ID
  // (for bounces that carry no VERP token).
  `
  CREATE TABLE bounce_events (
    id INTEGER PRIMARY KEY,
    -- the notice's Message-ID, else a hash of its bytes
    notice_key TEXT NOT NULL,
    -- the reader, lower-cased (see addressKey)
    address TEXT NOT NULL,
    email TEXT NOT NULL,
    run_id INTEGER,
    -- see BounceKind
    kind TEXT NOT NULL,
    status TEXT,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (notice_key, address)
  );
  CREATE INDEX bounce_events_address ON bounce_events (address, kind, occurred_at);
  CREATE INDEX deliveries_message_id ON deliveries (message_id);
  `,
  // 6: the transport each run was created for (a run created for SMTP is only ever finished over
  // SMTP; NULL: recorded before this was kept), deliveries 'written' to the outbox (never counted
  // as sent), and settings the project decided once (delivery.transport: auto).
  `
  ALTER TABLE runs ADD COLUMN transport TEXT;
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  );
  `,
];

/** `PRAGMA application_id` of a state file: "dgst", so `file` and this tool can tell it from other SQLite files. */
const APPLICATION_ID = 0x64677374;

/** A StateError for a failure to open or write the state, saying what the machine's problem is when it is one. */
function stateError(code: ErrorCode, message: string, error: unknown, file: string): StateError {
  const problem = environmentProblem(error);
  return new StateError(problem?.code ?? code, `${message}: ${problem?.what ?? (error as Error).message}`, {
    cause: error,
    context: { file },
    hint: problem?.hint ?? 'Check that the folder is writable, or point `state:` in the config at another path.',
  });
}

export interface FeedState {
  url: string;
  title: string | null;
  etag: string | null;
  lastModified: string | null;
  movedTo: string | null;
  gone: boolean;
  firstSeenAt: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  consecutiveFailures: number;
}

export interface FeedOutcome {
  url: string;
  title?: string;
  ok: boolean;
  /** 'ok', 'not-modified', or an error code. */
  status: string;
  error?: string;
  etag?: string;
  lastModified?: string;
  movedTo?: string;
  gone?: boolean;
}

/**
 * - `queued`: carried by a run (`run_id`) that has not delivered it to anyone yet;
 * - `delivered`: that run reached at least one recipient;
 * - `skipped`: seen but not chosen (over a limit, first-run backlog), never offered again;
 * - `released`: its run ended without reaching anyone, so the next run offers it again.
 * Only `released` items count as unseen: the window of a digest is "everything since the last
 * delivered digest".
 */
export type ItemStatus = 'queued' | 'delivered' | 'skipped' | 'released';

export interface SeenItem {
  id: string;
  feedUrl: string;
  url: string | null;
  title: string | null;
  publishedAt: string | null;
  status: 'queued' | 'skipped';
  reason?: string;
}

/**
 * `sent`: accepted by the SMTP server; `written`: written to the outbox as an .eml file (nobody
 * was emailed); `suppressed`: not sent because, by the time its turn came, the address was
 * suppressed (unsubscribed, bounced, complained) or the reader had paused the digest.
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'written' | 'failed-temporary' | 'failed-permanent' | 'suppressed';

/** Where a run's messages go: decided when the run is created, and kept with it. */
export type TransportKind = 'smtp' | 'outbox';

export interface DeliveryRow {
  runId: number;
  recipient: string;
  name: string | null;
  fields: Record<string, string>;
  status: DeliveryStatus;
  messageId: string;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  /** Which of the run's renderings this reader gets (their choice of sections); null: the full one. */
  variant: string | null;
}

/** A final outcome for one recipient, reported by a process that does not hold the ledger (a queue worker). */
export interface ReportedOutcome {
  recipient: string;
  status: Exclude<DeliveryStatus, 'pending' | 'sending'>;
  error?: string | undefined;
  /** Tries it took, when known. */
  attempts?: number | undefined;
}

/** The digest as a run renders it once and stores it, so a resumed run sends the same message. */
export interface StoredRendering {
  digestHash: string;
  subject: string;
  preheader: string;
  html: string;
  text: string;
  /** The token marker of the rendering (see render/personalise.ts). */
  marker: string;
}

export interface RunRow extends StoredRendering {
  id: number;
  kind: string;
  slot: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: 'sending' | 'done' | 'partial';
  itemCount: number;
  /** The delivery settings (sender, list name, unsubscribe links) the run's messages use. */
  settings: Record<string, string>;
  /** The transport the run was created for; null for runs recorded before it was kept. */
  transport: TransportKind | null;
}

export type SlotOutcome = 'sent' | 'nothing-new' | 'skipped';

export interface SlotRecord {
  slot: string;
  outcome: SlotOutcome;
  runId: number | null;
  detail: string | null;
  recordedAt: string;
}

/** A rendering of a run besides the full one: for a choice of sections, or the web version. */
export interface RunVariant extends StoredRendering {
  variant: string;
  itemCount: number;
}

export interface NewRun extends StoredRendering {
  kind: 'run' | 'test';
  /** The scheduled time the run serves (ISO 8601, UTC). */
  slot: string | null;
  startedAt: string;
  itemIds: string[];
  settings?: Record<string, string>;
  /** The transport the run is to be delivered over, for good. */
  transport?: TransportKind;
  recipients: { email: string; name?: string; fields: Record<string, string>; messageId: string; variant?: string | null }[];
  variants?: RunVariant[];
}

export type SubscriberStatus = 'pending' | 'confirmed';

export interface SubscriberRow {
  email: string;
  name: string | null;
  fields: Record<string, string>;
  status: SubscriberStatus;
  /** web (double opt-in), cli (`digest readers add`), import (`digest readers import`). */
  source: string;
  requestedAt: string;
  confirmedAt: string | null;
}

export interface ReaderPreferences {
  /** Sections the reader wants; null: every section. */
  sections: string[] | null;
  /** No digest until this time (ISO 8601); null: not paused. */
  pausedUntil: string | null;
  updatedAt: string;
}

/** A past digest as the archive lists it: a scheduled run that reached at least one reader. */
export interface ArchivedIssue {
  id: number;
  startedAt: string;
  slot: string | null;
  subject: string;
  preheader: string;
  itemCount: number;
}

/**
 * Why an address gets no digest. A reader's own unsubscribe and a confirmed re-subscription
 * undo each other; a complaint or a manual block is lifted only by the operator (`unsuppress`).
 */
export type SuppressionReason = 'unsubscribed' | 'hard-bounce' | 'complaint' | 'soft-bounce' | 'manual';

/**
 * How strong each reason is: a suppression keeps its reason unless a stronger one arrives. A
 * soft bounce is the weakest (the mailbox may work again), a spam complaint the strongest (it is
 * what mailbox providers judge a sender by).
 */
export const SUPPRESSION_STRENGTH: Readonly<Record<SuppressionReason, number>> = {
  'soft-bounce': 1,
  unsubscribed: 2,
  'hard-bounce': 3,
  manual: 4,
  complaint: 5,
};

export const SUPPRESSION_REASONS = Object.keys(SUPPRESSION_STRENGTH) as SuppressionReason[];

export interface SuppressionRow {
  /** The address as first recorded (matching ignores case). */
  email: string;
  reason: SuppressionReason;
  /** Who recorded it: 'web', 'list-unsubscribe', 'webhook', 'bounces', 'cli', … */
  source: string;
  detail: string | null;
  /** When the address was first suppressed. */
  createdAt: string;
  /** When the reason last changed (to a stronger one). */
  updatedAt: string;
}

/** What a bounce or complaint said about a reader (see classify-notice.ts for the meanings). */
export type BounceKind = 'hard' | 'soft' | 'blocked' | 'complaint' | 'delayed';

export interface NewBounceEvent {
  /**
   * Identifies the notice: its Message-ID, a provider's event id, else a hash of its bytes. The
   * same notice recorded twice for a reader counts once.
   */
  noticeKey: string;
  /** The reader. */
  email: string;
  runId: number | undefined;
  kind: BounceKind;
  status: string | undefined;
  /** In a few words: `mailbox does not exist (5.1.1)`. */
  reason: string;
  /** Where the notice was read: a file, a Maildir, an IMAP mailbox, `webhook`. */
  source: string;
  /** When the notice was sent (its Date), ISO 8601. */
  occurredAt: string;
  recordedAt: string;
}

export interface BounceEventRow {
  noticeKey: string;
  email: string;
  runId: number | null;
  kind: BounceKind;
  status: string | null;
  reason: string;
  source: string;
  occurredAt: string;
  recordedAt: string;
}

/** The key an address is matched by: addresses differ in case in practice, never in meaning. */
export function addressKey(email: string): string {
  return email.trim().toLowerCase();
}

export class StateStore {
  private readonly db: Database.Database;
  /** The database file, or ':memory:'. */
  private readonly file: string;

  /** Write-ahead logging is on (it may not be, on a file system without shared memory). */
  private readonly walMode: boolean;

  private constructor(db: Database.Database, file: string) {
    this.db = db;
    this.file = file;
    this.walMode = file !== ':memory:' && db.pragma('journal_mode', { simple: true }) === 'wal';
  }

  /**
   * Throws unless `file` is a state file of this tool, or none yet (missing or empty): a `state:`
   * setting pointing at another program's SQLite database (or any other file) must not get our
   * tables added to it, nor even its journal mode changed. Reads it read-only.
   */
  static inspect(file: string): void {
    if (file === ':memory:' || !existsSync(file) || statSync(file).size === 0) return;
    const notOurs = (what: string, cause?: unknown) =>
      new StateError('STATE_NOT_OURS', `the state file ${file} ${what}; it was not changed`, {
        ...(cause === undefined ? {} : { cause }),
        context: { file },
        hint: 'Point `state:` in the config at a file of its own (the default is .digest/state.sqlite beside the config); the tool creates it on the first run.',
      });
    let db: Database.Database;
    try {
      db = openDatabase(file, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw stateError('STATE_OPEN', `cannot read the state file ${file}`, error, file);
    }
    try {
      let version: number;
      let application: number;
      let tables: string[];
      try {
        version = db.pragma('user_version', { simple: true }) as number;
        application = db.pragma('application_id', { simple: true }) as number;
        tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw notOurs("is not a SQLite database (another program's file, or a damaged one)", error);
        throw stateError('STATE_OPEN', `cannot read the state file ${file}`, error, file);
      }
      const ours = application === APPLICATION_ID || (application === 0 && version > 0 && ['items', 'runs', 'deliveries'].every((table) => tables.includes(table)));
      if (!ours && (tables.length > 0 || application !== 0)) {
        throw notOurs(`belongs to another program: it holds tables this tool did not make (${tables.join(', ')})`);
      }
    } finally {
      db.close();
    }
  }

  /**
   * Opens (creating when needed) the state file and brings its schema up to date. `inspected`:
   * the caller has just run `inspect` on it (runDigest does, before taking the run lock).
   */
  static open(file: string, options: { inspected?: boolean } = {}): StateStore {
    if (!options.inspected) StateStore.inspect(file);
    let db: Database.Database;
    try {
      if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
      db = openDatabase(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    } catch (error) {
      throw stateError('STATE_OPEN', `cannot open the state file ${file}`, error, file);
    }
    const store = new StateStore(db, file);
    try {
      store.migrate(file);
    } catch (error) {
      db.close();
      throw error instanceof StateError ? error : stateError('STATE_OPEN', `cannot bring the state file ${file} up to date`, error, file);
    }
    return store;
  }

  private migrate(file: string): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new StateError('STATE_TOO_NEW', `the state file ${file} was written by a newer version of this tool (schema ${version})`, {
        context: { file },
        hint: 'Upgrade the tool, or point `state:` at a new file.',
      });
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
    // Marks the file as this tool's (see inspect), new files and ones from before 0.2 alike.
    if (this.file !== ':memory:' && (this.db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID) {
      this.db.pragma(`application_id = ${APPLICATION_ID}`);
    }
  }

  close(): void {
    this.db.close();
    const wal = this.wal;
    this.wal = undefined;
    void wal?.then((handle) => handle?.close()).catch(() => {});
  }

  // ── durability without blocking ──────────────────────────────────────────────────────────

  private wal: Promise<FileHandle | undefined> | undefined;
  private syncing: Promise<void> | undefined;
  private nextSync: Promise<void> | undefined;

  /**
   * Resolves once everything written so far is on disk (fdatasync of the write-ahead log), the
   * durability a `synchronous = FULL` commit gives, but on a libuv thread: the event loop keeps
   * the SMTP connections moving meanwhile, and callers who ask at the same time share one sync
   * (group commit). Writes are already safe from a killed process once they return (they are in
   * the OS's cache); this makes them safe from power loss.
   */
  sync(): Promise<void> {
    // Without a write-ahead log every commit was synchronous already.
    if (!this.walMode) return Promise.resolve();
    // A sync that is running may have started before the caller's write: wait for the next one.
    if (this.syncing) {
      this.nextSync ??= this.syncing.then(() => {
        this.nextSync = undefined;
        return this.startSync();
      });
      return this.nextSync;
    }
    return this.startSync();
  }

  private startSync(): Promise<void> {
    const run = async () => {
      const wal = await this.walHandle();
      if (wal) return wal.datasync();
      // No -wal file: a checkpoint moved everything into the database file.
      const db = await fsOpen(this.file, 'r');
      try {
        await db.datasync();
      } finally {
        await db.close();
      }
    };
    this.syncing = run()
      .catch((error: unknown) => {
        throw new StateError('STATE_SYNC', `cannot write the state file ${this.file} to disk: ${(error as Error).message}`, {
          cause: error,
          context: { file: this.file },
          hint: 'Check the disk (space, errors). The ledger may lack the last few sends; a rerun resends at most those.',
        });
      })
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  /**
   * The -wal file, opened once (undefined when there is none). SQLite keeps the same file while
   * this connection is open: only the last connection to close deletes it.
   */
  private async walHandle(): Promise<FileHandle | undefined> {
    this.wal ??= fsOpen(`${this.file}-wal`, 'r').catch(() => undefined);
    const handle = await this.wal;
    if (!handle) this.wal = undefined;
    return handle;
  }

  /** Runs `fn` in one transaction: everything it writes lands together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * `transaction`, committed without an fsync of its own: safe from a killed process on return,
   * and from power loss once `sync()` resolves. For a server that gathers many small writes
   * (unsubscribes) into one commit and one sync.
   */
  batch<T>(fn: () => T): T {
    return this.withoutWaitingForDisk(() => this.db.transaction(fn)());
  }

  // ── feeds ────────────────────────────────────────────────────────────────────────────────

  getFeed(url: string): FeedState | undefined {
    const row = this.db.prepare('SELECT * FROM feeds WHERE url = ?').get(url) as Record<string, unknown> | undefined;
    return row ? toFeedState(row) : undefined;
  }

  /**
   * State files written before feeds were known by a path relative to the config (version 0.1.0)
   * key a local feed by its absolute path, wherever the project was then. These are the keys
   * that can be this feed, known by `key` now: absolute paths ending in it.
   */
  legacyFeedKeys(key: string): string[] {
    if (/^[a-z][a-z0-9+.-]*:/i.test(key) || key.startsWith('/')) return [];
    const suffix = key.replace(/^(\.\.\/)+/, '').replace(/^\.\//, '');
    if (!suffix) return [];
    const rows = this.db.prepare(`SELECT url FROM feeds WHERE substr(url, -length(?)) = ? AND url != ?`).pluck().all(`/${suffix}`, `/${suffix}`, key) as string[];
    return rows.filter((url) => url.startsWith('/') || /^[a-z]:[\\/]/i.test(url) || /^file:/i.test(url));
  }

  /** The feed's state under `key`, or else under the most recently fetched of `legacyKeys`. */
  findFeed(key: string, legacyKeys: readonly string[] = []): FeedState | undefined {
    const current = this.getFeed(key);
    if (current || legacyKeys.length === 0) return current;
    return legacyKeys
      .map((legacy) => this.getFeed(legacy))
      .filter((state): state is FeedState => state !== undefined)
      .sort((a, b) => (b.lastAttemptAt ?? '').localeCompare(a.lastAttemptAt ?? ''))[0];
  }

  /** Starts the feed's record under `key` from its record under `legacyKey` (validators, health), unless it has one. */
  adoptLegacyFeed(key: string, legacyKey: string): void {
    this.db
      .prepare(
        `INSERT INTO feeds (url, title, etag, last_modified, moved_to, gone, first_seen_at, last_attempt_at, last_success_at, last_status, last_error, consecutive_failures)
         SELECT ?, title, etag, last_modified, moved_to, gone, first_seen_at, last_attempt_at, last_success_at, last_status, last_error, consecutive_failures
         FROM feeds WHERE url = ? ON CONFLICT (url) DO NOTHING`,
      )
      .run(key, legacyKey);
  }

  /** Records items known by a legacy id under their current id too, as they were (status, run), so the legacy key is no longer needed for them. */
  adoptLegacyItems(items: readonly { feedKey: string; id: string; legacyId: string }[]): void {
    const statement = this.db.prepare(
      `INSERT INTO items (id, feed_url, url, title, published_at, first_seen_at, status, reason, run_id)
       SELECT @id, @feedKey, url, title, published_at, first_seen_at, status, reason, run_id FROM items WHERE id = @legacyId
       ON CONFLICT (id) DO NOTHING`,
    );
    for (const item of items) statement.run({ id: item.id, legacyId: item.legacyId, feedKey: item.feedKey });
  }

  listFeeds(): FeedState[] {
    return (this.db.prepare('SELECT * FROM feeds ORDER BY url').all() as Record<string, unknown>[]).map(toFeedState);
  }

  recordFeedOutcome(outcome: FeedOutcome, now: string): void {
    this.db
      .prepare(
        `INSERT INTO feeds (url, title, first_seen_at) VALUES (@url, @title, @now)
         ON CONFLICT (url) DO NOTHING`,
      )
      .run({ url: outcome.url, title: outcome.title ?? null, now });
    if (outcome.ok) {
      this.db
        .prepare(
          `UPDATE feeds SET
             title = COALESCE(@title, title),
             etag = CASE WHEN @status = 'not-modified' THEN etag ELSE @etag END,
             last_modified = CASE WHEN @status = 'not-modified' THEN last_modified ELSE @lastModified END,
             moved_to = COALESCE(@movedTo, moved_to),
             gone = 0,
             last_attempt_at = @now, last_success_at = @now, last_status = @status,
             last_error = NULL, consecutive_failures = 0
           WHERE url = @url`,
        )
        .run({
          url: outcome.url,
          title: outcome.title ?? null,
          status: outcome.status,
          etag: outcome.etag ?? null,
          lastModified: outcome.lastModified ?? null,
          movedTo: outcome.movedTo ?? null,
          now,
        });
    } else {
      this.db
        .prepare(
          `UPDATE feeds SET
             gone = CASE WHEN @gone THEN 1 ELSE gone END,
             last_attempt_at = @now, last_status = @status, last_error = @error,
             consecutive_failures = consecutive_failures + 1
           WHERE url = @url`,
        )
        .run({ url: outcome.url, gone: outcome.gone ? 1 : 0, status: outcome.status, error: outcome.error ?? null, now });
    }
  }

  // ── items ────────────────────────────────────────────────────────────────────────────────

  /** Of `ids`, the ones already seen: delivered, skipped, or queued in a run still sending. */
  seenIds(ids: readonly string[]): Set<string> {
    // One statement for the lot (the ids as a JSON array): a first run asks about 10,000 items,
    // and one lookup each from JavaScript costs far more than SQLite's own index lookups.
    const statement = this.db.prepare(`SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?)) AND status != 'released'`).pluck();
    return new Set(statement.all(JSON.stringify(ids)) as string[]);
  }

  /** True when no item of this feed was ever recorded: its first run. */
  isNewFeed(feedUrl: string): boolean {
    return this.db.prepare('SELECT 1 FROM items WHERE feed_url = ? LIMIT 1').get(feedUrl) === undefined;
  }

  /**
   * Records items as queued in run `runId` or as skipped. An item seen before keeps its record,
   * unless a run released it: then it is queued (or skipped) afresh.
   */
  recordItems(items: readonly SeenItem[], runId: number | null, now: string): void {
    // Positional parameters: binding by name costs a property lookup per parameter, and a first
    // run records 10,000 items.
    const statement = this.db.prepare(
      `INSERT INTO items (id, feed_url, url, title, published_at, first_seen_at, status, reason, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, reason = excluded.reason, run_id = excluded.run_id
       WHERE items.status = 'released'`,
    );
    for (const item of items) {
      statement.run(item.id, item.feedUrl, item.url, item.title, item.publishedAt, now, item.status, item.reason ?? null, item.status === 'queued' ? runId : null);
    }
  }

  /**
   * How many items are remembered as seen, of one feed or of all: what `forgetSeen` would forget
   * and what it would keep (the items of a digest that is still being delivered).
   */
  seenCounts(feedUrl?: string): { seen: number; inUnfinishedRun: number } {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS seen,
                COALESCE(SUM(CASE WHEN run_id IN (SELECT id FROM runs WHERE status = 'sending') THEN 1 ELSE 0 END), 0) AS pending
         FROM items WHERE status != 'released' AND (@feed IS NULL OR feed_url = @feed)`,
      )
      .get({ feed: feedUrl ?? null }) as { seen: number; pending: number };
    return { seen: row.seen, inUnfinishedRun: row.pending };
  }

  /**
   * `digest reset`: forgets which items of a feed (or of every feed) were seen, so the next run
   * offers the feed's current stories again, as on its first run. Its HTTP validators go too, or
   * the server's "not modified" would hide those stories.
   *
   * What stays: the run ledger (runs, their rendered digests, every recipient's delivery), the
   * record of served slots, and each feed's health and moved/gone notes: history, not memory of
   * stories. The items of a run still being delivered stay as well: they are in a digest that is
   * going out, and a resumed run must not find them missing.
   */
  forgetSeen(feedUrl?: string): { forgotten: number; kept: number } {
    return this.transaction(() => {
      const { seen, inUnfinishedRun } = this.seenCounts(feedUrl);
      this.db
        .prepare(
          `DELETE FROM items WHERE (@feed IS NULL OR feed_url = @feed)
             AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs WHERE status = 'sending'))`,
        )
        .run({ feed: feedUrl ?? null });
      this.db.prepare('UPDATE feeds SET etag = NULL, last_modified = NULL WHERE (@feed IS NULL OR url = @feed)').run({ feed: feedUrl ?? null });
      return { forgotten: seen - inUnfinishedRun, kept: inUnfinishedRun };
    });
  }

  itemStatus(id: string): { status: ItemStatus; runId: number | null } | undefined {
    const row = this.db.prepare('SELECT status, run_id FROM items WHERE id = ?').get(id) as { status: ItemStatus; run_id: number | null } | undefined;
    return row ? { status: row.status, runId: row.run_id } : undefined;
  }

  // ── runs and deliveries ──────────────────────────────────────────────────────────────────

  createRun(run: NewRun): number {
    const result = this.db
      .prepare(
        `INSERT INTO runs (kind, slot, started_at, status, digest_hash, subject, preheader, html, text, marker, item_count, settings, transport)
         VALUES (@kind, @slot, @startedAt, 'sending', @digestHash, @subject, @preheader, @html, @text, @marker, @itemCount, @settings, @transport)`,
      )
      .run({
        kind: run.kind,
        slot: run.slot,
        startedAt: run.startedAt,
        digestHash: run.digestHash,
        subject: run.subject,
        preheader: run.preheader,
        html: run.html,
        text: run.text,
        marker: run.marker,
        itemCount: run.itemIds.length,
        settings: JSON.stringify(run.settings ?? {}),
        transport: run.transport ?? null,
      });
    const runId = Number(result.lastInsertRowid);
    const addItem = this.db.prepare('INSERT INTO run_items (run_id, item_id, position) VALUES (?, ?, ?)');
    run.itemIds.forEach((id, position) => addItem.run(runId, id, position));
    const addVariant = this.db.prepare(
      `INSERT INTO run_variants (run_id, variant, digest_hash, subject, preheader, html, text, marker, item_count)
       VALUES (@runId, @variant, @digestHash, @subject, @preheader, @html, @text, @marker, @itemCount)`,
    );
    for (const v of run.variants ?? []) {
      addVariant.run({ runId, variant: v.variant, digestHash: v.digestHash, subject: v.subject, preheader: v.preheader, html: v.html, text: v.text, marker: v.marker, itemCount: v.itemCount });
    }
    const addDelivery = this.db.prepare(
      `INSERT INTO deliveries (run_id, recipient, name, fields, status, message_id, updated_at, variant)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
    );
    for (const r of run.recipients) {
      addDelivery.run(runId, r.email, r.name ?? null, JSON.stringify(r.fields), r.messageId, run.startedAt, r.variant ?? null);
    }
    return runId;
  }

  /** Replaces the delivery settings a run was recorded with (a run handed to a delivery queue notes it there). */
  setRunSettings(runId: number, settings: Record<string, string>): void {
    this.db.prepare('UPDATE runs SET settings = ? WHERE id = ?').run(JSON.stringify(settings), runId);
  }

  getRun(id: number): RunRow | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return row ? toRunRow(row) : undefined;
  }

  /** The oldest scheduled run that still has recipients to send to (after a crash or outage). */
  unfinishedRun(): RunRow | undefined {
    const row = this.db
      .prepare(`SELECT * FROM runs WHERE status = 'sending' AND kind = 'run' ORDER BY id LIMIT 1`)
      .get() as Record<string, unknown> | undefined;
    return row ? toRunRow(row) : undefined;
  }

  listRuns(limit = 20): (RunRow & { counts: Record<DeliveryStatus, number> })[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[];
    return rows.map((row) => {
      const run = toRunRow(row);
      return { ...run, counts: this.deliveryCounts(run.id) };
    });
  }

  deliveryCounts(runId: number): Record<DeliveryStatus, number> {
    const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, written: 0, 'failed-temporary': 0, 'failed-permanent': 0, suppressed: 0 };
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM deliveries WHERE run_id = ? GROUP BY status').all(runId) as {
      status: DeliveryStatus;
      n: number;
    }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  deliveries(runId: number, statuses?: readonly DeliveryStatus[]): DeliveryRow[] {
    const rows = this.db.prepare('SELECT * FROM deliveries WHERE run_id = ? ORDER BY rowid').all(runId) as Record<string, unknown>[];
    return rows.map(toDeliveryRow).filter((row) => !statuses || statuses.includes(row.status));
  }

  /** One recipient's status in a run, as the ledger has it now. */
  deliveryStatus(runId: number, recipient: string): DeliveryStatus | undefined {
    return this.db.prepare('SELECT status FROM deliveries WHERE run_id = ? AND recipient = ?').pluck().get(runId, recipient) as DeliveryStatus | undefined;
  }

  /**
   * A page of a run's deliveries in `statuses`, in ledger order after `afterRow` (a cursor: the
   * `row` of the previous page's last entry, 0 to start), so a run of a million readers is read a
   * page at a time.
   */
  deliveryPage(runId: number, statuses: readonly DeliveryStatus[], afterRow: number, limit: number): (DeliveryRow & { row: number })[] {
    // A run's rows were inserted together: walk them by rowid from the run's first one, so each
    // page costs its own rows only (through the primary key, every page would scan the run from
    // its start: quadratic in a run of a million).
    const from = afterRow > 0 ? afterRow : ((this.db.prepare('SELECT MIN(rowid) FROM deliveries WHERE run_id = ?').pluck().get(runId) as number | null) ?? 1) - 1;
    const marks = statuses.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT rowid AS row, * FROM deliveries WHERE rowid > ? AND +run_id = ? AND status IN (${marks}) ORDER BY rowid LIMIT ?`)
      .all(from, runId, ...statuses, limit) as Record<string, unknown>[];
    return rows.map((row) => ({ ...toDeliveryRow(row), row: row.row as number }));
  }

  /**
   * Records outcomes that other processes reported (the workers of a delivery queue), in one
   * transaction. Only recipients still pending or sending change: a report that arrives twice,
   * or late, changes nothing. Returns the outcomes that changed something. Like
   * `updateDelivery`, the write is safe from a killed process when this returns; await `sync()`
   * before acting on it.
   */
  recordOutcomes<T extends ReportedOutcome>(runId: number, outcomes: readonly T[], now: string): T[] {
    const statement = this.db.prepare(
      `UPDATE deliveries SET status = @status, updated_at = @now, attempts = MAX(attempts, @attempts),
         last_error = CASE WHEN @status = 'sent' THEN NULL ELSE COALESCE(@error, last_error) END
       WHERE run_id = @runId AND recipient = @recipient AND status IN ('pending', 'sending')`,
    );
    const changed: T[] = [];
    const write = () =>
      this.transaction(() => {
        for (const o of outcomes) {
          if (statement.run({ runId, recipient: o.recipient, status: o.status, now, error: o.error ?? null, attempts: o.attempts ?? 1 }).changes > 0) changed.push(o);
        }
      });
    if (!this.walMode) {
      write();
      return changed;
    }
    this.synchronous ??= { normal: this.db.prepare('PRAGMA synchronous = NORMAL'), full: this.db.prepare('PRAGMA synchronous = FULL') };
    this.synchronous.normal.run();
    try {
      write();
    } finally {
      this.synchronous.full.run();
    }
    return changed;
  }

  private updateDeliveryStatement: Database.Statement | undefined;
  private synchronous: { normal: Database.Statement; full: Database.Statement } | undefined;

  /**
   * Records a recipient's status. The write is safe from a killed process when this returns, but
   * not yet from power loss: a caller that must not lose it (a `sent`) awaits `sync()`, which
   * does not block the event loop the way a synchronous commit's fsync would.
   */
  updateDelivery(runId: number, recipient: string, status: DeliveryStatus, now: string, error?: string): void {
    this.updateDeliveryStatement ??= this.db.prepare(
      `UPDATE deliveries SET status = @status, updated_at = @now,
         attempts = attempts + CASE WHEN @status = 'sending' THEN 1 ELSE 0 END,
         last_error = CASE WHEN @status IN ('sent', 'written') THEN NULL ELSE COALESCE(@error, last_error) END
       WHERE run_id = @runId AND recipient = @recipient`,
    );
    const statement = this.updateDeliveryStatement;
    this.withoutWaitingForDisk(() => statement.run({ runId, recipient, status, now, error: error ?? null }));
  }

  /**
   * Settles a run after a delivery pass: its items count as delivered once anyone got it; a run
   * that ends without reaching anyone releases its items for the next run (and forgets the
   * feeds' HTTP validators, so the next fetch is a full one that sees them again). Closes the run
   * once no recipient is pending or sending, and returns its status.
   */
  finishRun(runId: number, now: string): RunRow['status'] {
    return this.transaction(() => {
      const counts = this.deliveryCounts(runId);
      const delivered = counts.sent + counts.written;
      if (delivered > 0) {
        this.db.prepare(`UPDATE items SET status = 'delivered' WHERE run_id = ? AND status IN ('queued', 'released')`).run(runId);
      }
      if (counts.pending > 0 || counts.sending > 0) return 'sending';
      if (delivered === 0) {
        this.db
          .prepare(`UPDATE feeds SET etag = NULL, last_modified = NULL WHERE url IN (SELECT feed_url FROM items WHERE run_id = ? AND status = 'queued')`)
          .run(runId);
        this.db.prepare(`UPDATE items SET status = 'released' WHERE run_id = ? AND status = 'queued'`).run(runId);
      }
      const status = counts['failed-temporary'] + counts['failed-permanent'] > 0 ? 'partial' : 'done';
      this.db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?').run(status, now, runId);
      return status;
    });
  }

  /** Puts a run's temporarily failed recipients back in the queue (`digest runs retry`). */
  requeueTemporaryFailures(runId: number, now: string): number {
    return this.transaction(() => {
      const result = this.db
        .prepare(`UPDATE deliveries SET status = 'pending', updated_at = ? WHERE run_id = ? AND status = 'failed-temporary'`)
        .run(now, runId);
      if (result.changes > 0) this.db.prepare(`UPDATE runs SET status = 'sending', finished_at = NULL WHERE id = ?`).run(runId);
      return result.changes;
    });
  }

  // ── scheduled slots ──────────────────────────────────────────────────────────────────────

  /** Remembers what happened to a scheduled slot (first outcome wins: a slot is served once). */
  recordSlot(slot: string, outcome: SlotOutcome, runId: number | null, detail: string | null, now: string): void {
    this.db
      .prepare('INSERT INTO slots (slot, outcome, run_id, detail, recorded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (slot) DO NOTHING')
      .run(slot, outcome, runId, detail, now);
  }

  /** What happened to a slot, if anything: a run served it, it had nothing new, or it was skipped. */
  slotRecord(slot: string): SlotRecord | undefined {
    const row = this.db.prepare('SELECT * FROM slots WHERE slot = ?').get(slot) as Record<string, unknown> | undefined;
    if (row) {
      return { slot, outcome: row.outcome as SlotOutcome, runId: (row.run_id as number | null) ?? null, detail: (row.detail as string | null) ?? null, recordedAt: row.recorded_at as string };
    }
    // A run recorded before slots were kept, or one whose slot record was not written.
    const run = this.db.prepare(`SELECT id, started_at FROM runs WHERE slot = ? AND kind = 'run' ORDER BY id LIMIT 1`).get(slot) as { id: number; started_at: string } | undefined;
    return run ? { slot, outcome: 'sent', runId: run.id, detail: null, recordedAt: run.started_at } : undefined;
  }

  // ── settings decided once ────────────────────────────────────────────────────────────────

  /** A setting the project decided once (e.g. `transport`), with when. */
  setting(key: string): { value: string; recordedAt: string } | undefined {
    const row = this.db.prepare('SELECT value, recorded_at FROM settings WHERE key = ?').get(key) as { value: string; recorded_at: string } | undefined;
    return row ? { value: row.value, recordedAt: row.recorded_at } : undefined;
  }

  recordSetting(key: string, value: string, now: string): void {
    this.db.prepare('INSERT INTO settings (key, value, recorded_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, recorded_at = excluded.recorded_at').run(key, value, now);
  }

  // ── suppressions ─────────────────────────────────────────────────────────────────────────

  /**
   * Records that `email` must get no more digests. Idempotent: an address already suppressed
   * keeps its first time, and its reason unless `reason` is stronger (SUPPRESSION_STRENGTH), in
   * which case reason, source and detail are replaced. Safe from a killed process on return; a
   * caller that must survive power loss too awaits `sync()` (which batches concurrent callers).
   */
  suppress(email: string, reason: SuppressionReason, source: string, detail?: string): void {
    const strength = SUPPRESSION_STRENGTH[reason];
    if (strength === undefined) {
      throw new StateError('SUPPRESSION_REASON', `unknown suppression reason ${JSON.stringify(reason)}`, {
        hint: `Use one of: ${SUPPRESSION_REASONS.join(', ')}.`,
      });
    }
    const now = new Date().toISOString();
    this.withoutWaitingForDisk(() =>
      this.db
        .prepare(
          `INSERT INTO suppressions (address, email, reason, source, detail, created_at, updated_at)
           VALUES (@address, @email, @reason, @source, @detail, @now, @now)
           ON CONFLICT (address) DO UPDATE SET
             reason = excluded.reason, source = excluded.source, detail = excluded.detail, updated_at = excluded.updated_at
           WHERE ${strengthSql('suppressions.reason')} < @strength`,
        )
        .run({ address: addressKey(email), email: email.trim(), reason, source, detail: detail ?? null, now, strength }),
    );
  }

  /** Lifts a suppression; true when there was one. */
  unsuppress(email: string): boolean {
    return this.db.prepare('DELETE FROM suppressions WHERE address = ?').run(addressKey(email)).changes > 0;
  }

  isSuppressed(email: string): boolean {
    return this.db.prepare('SELECT 1 FROM suppressions WHERE address = ?').pluck().get(addressKey(email)) !== undefined;
  }

  /** The suppression of one address, if any. */
  suppression(email: string): SuppressionRow | undefined {
    const row = this.db.prepare('SELECT * FROM suppressions WHERE address = ?').get(addressKey(email)) as Record<string, unknown> | undefined;
    return row ? toSuppressionRow(row) : undefined;
  }

  /** Every suppression, oldest first. */
  listSuppressions(): SuppressionRow[] {
    return (this.db.prepare('SELECT * FROM suppressions ORDER BY created_at, rowid').all() as Record<string, unknown>[]).map(toSuppressionRow);
  }

  /**
   * Runs a write with `synchronous = NORMAL`: the commit returns without an fsync of its own
   * (it is in the OS's cache, safe from a killed process), and `sync()` makes it durable, shared
   * with every caller waiting at the time.
   */
  private withoutWaitingForDisk<T>(write: () => T): T {
    // The level cannot change inside a transaction; the transaction's commit decides there.
    if (!this.walMode || this.db.inTransaction) return write();
    this.synchronous ??= { normal: this.db.prepare('PRAGMA synchronous = NORMAL'), full: this.db.prepare('PRAGMA synchronous = FULL') };
    this.synchronous.normal.run();
    try {
      return write();
    } finally {
      this.synchronous.full.run();
    }
  }

  // ── bounces and complaints ───────────────────────────────────────────────────────────────

  /** Whether a notice (by its key) was already recorded, for any reader. */
  hasBounceNotice(noticeKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM bounce_events WHERE notice_key = ? LIMIT 1').pluck().get(noticeKey) !== undefined;
  }

  /** Records what a notice said about a reader; false when that notice was recorded for them before. */
  recordBounceEvent(event: NewBounceEvent): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO bounce_events (notice_key, address, email, run_id, kind, status, reason, source, occurred_at, recorded_at)
         VALUES (@noticeKey, @address, @email, @runId, @kind, @status, @reason, @source, @occurredAt, @recordedAt)
         ON CONFLICT (notice_key, address) DO NOTHING`,
      )
      .run({ ...event, address: addressKey(event.email), email: event.email.trim(), runId: event.runId ?? null, status: event.status ?? null });
    return result.changes > 0;
  }

  /**
   * How many different runs soft-bounced for `email` since `since` (ISO 8601): a server that
   * sends three notices about one message counts once.
   */
  softBounceRuns(email: string, since: string): number {
    return this.db
      .prepare(`SELECT COUNT(DISTINCT COALESCE(run_id, -id)) FROM bounce_events WHERE address = ? AND kind = 'soft' AND occurred_at >= ?`)
      .pluck()
      .get(addressKey(email), since) as number;
  }

  /** Bounce events, newest first. */
  listBounceEvents(limit = 100): BounceEventRow[] {
    const rows = this.db.prepare('SELECT * FROM bounce_events ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[];
    return rows.map((row) => ({
      noticeKey: row.notice_key as string,
      email: row.email as string,
      runId: (row.run_id as number | null) ?? null,
      kind: row.kind as BounceKind,
      status: (row.status as string | null) ?? null,
      reason: row.reason as string,
      source: row.source as string,
      occurredAt: row.occurred_at as string,
      recordedAt: row.recorded_at as string,
    }));
  }

  /** The run and recipient a message went to, by its Message-ID (with angle brackets). */
  deliveryByMessageId(messageId: string): { runId: number; recipient: string } | undefined {
    const row = this.db.prepare('SELECT run_id, recipient FROM deliveries WHERE message_id = ? LIMIT 1').get(messageId) as { run_id: number; recipient: string } | undefined;
    return row ? { runId: row.run_id, recipient: row.recipient } : undefined;
  }

  /** The addresses run `runId` was addressed to. */
  runRecipients(runId: number): string[] {
    return this.db.prepare('SELECT recipient FROM deliveries WHERE run_id = ? ORDER BY rowid').pluck().all(runId) as string[];
  }

  // ── renderings per choice of sections, and the archive ───────────────────────────────────

  /** The names of a run's renderings besides the full one (choices of sections, 'web'). */
  runVariantNames(runId: number): string[] {
    return this.db.prepare('SELECT variant FROM run_variants WHERE run_id = ? ORDER BY variant').pluck().all(runId) as string[];
  }

  /** A run's rendering for `variant` (a choice of sections, or 'web'), if it has one. */
  runVariant(runId: number, variant: string): RunVariant | undefined {
    const row = this.db.prepare('SELECT * FROM run_variants WHERE run_id = ? AND variant = ?').get(runId, variant) as Record<string, unknown> | undefined;
    return row ? { variant: row.variant as string, ...toStoredRendering(row), itemCount: row.item_count as number } : undefined;
  }

  /**
   * Past digests for the archive, newest first: scheduled runs that reached at least one reader
   * (or, with delivery.transport: outbox, were written for one), without their renderings, so
   * listing a thousand is cheap.
   */
  archivedIssues(limit = -1): ArchivedIssue[] {
    const rows = this.db
      .prepare(
        // Answered from the runs_archive index alone: the rows of runs carry whole renderings.
        `SELECT id, started_at, slot, subject, preheader, item_count FROM runs
         WHERE kind = 'run' AND EXISTS (SELECT 1 FROM deliveries WHERE run_id = runs.id AND status IN ('sent', 'written'))
         ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as Record<string, unknown>[];
    return rows.map((row) => ({
      id: row.id as number,
      startedAt: row.started_at as string,
      slot: (row.slot as string | null) ?? null,
      subject: row.subject as string,
      preheader: row.preheader as string,
      itemCount: row.item_count as number,
    }));
  }

  /** Whether run `id` is in the archive (a scheduled run that reached someone). */
  isArchived(id: number): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM runs WHERE id = ? AND kind = 'run' AND EXISTS (SELECT 1 FROM deliveries WHERE run_id = runs.id AND status IN ('sent', 'written'))`)
        .pluck()
        .get(id) !== undefined
    );
  }

  /** The stories of a run, in digest order: headline and link, for the archive's feed. */
  runStories(runId: number): { title: string | null; url: string | null }[] {
    return this.db
      .prepare('SELECT items.title AS title, items.url AS url FROM run_items JOIN items ON items.id = run_items.item_id WHERE run_items.run_id = ? ORDER BY run_items.position')
      .all(runId) as { title: string | null; url: string | null }[];
  }

  // ── subscribers and preferences ──────────────────────────────────────────────────────────

  subscriber(email: string): SubscriberRow | undefined {
    const row = this.db.prepare('SELECT * FROM subscribers WHERE address = ?').get(addressKey(email)) as Record<string, unknown> | undefined;
    return row ? toSubscriberRow(row) : undefined;
  }

  /** Subscribers in the order they asked to join; only confirmed ones unless `all`. */
  listSubscribers(options: { all?: boolean } = {}): SubscriberRow[] {
    const sql = options.all ? 'SELECT * FROM subscribers ORDER BY requested_at, rowid' : `SELECT * FROM subscribers WHERE status = 'confirmed' ORDER BY requested_at, rowid`;
    return (this.db.prepare(sql).all() as Record<string, unknown>[]).map(toSubscriberRow);
  }

  /**
   * Records a request to join (`pending`) or a reader who is in (`confirmed`). A pending request
   * never demotes a confirmed subscriber; a repeated request keeps its first time. Name and
   * fields are replaced when given.
   */
  upsertSubscriber(entry: { email: string; name?: string | undefined; fields?: Record<string, string>; status: SubscriberStatus; source: string }, now: string): void {
    this.db
      .prepare(
        `INSERT INTO subscribers (address, email, name, fields, status, source, requested_at, confirmed_at)
         VALUES (@address, @email, @name, @fields, @status, @source, @now, CASE WHEN @status = 'confirmed' THEN @now END)
         ON CONFLICT (address) DO UPDATE SET
           name = COALESCE(excluded.name, subscribers.name),
           fields = CASE WHEN excluded.fields = '{}' THEN subscribers.fields ELSE excluded.fields END,
           status = CASE WHEN subscribers.status = 'confirmed' THEN 'confirmed' ELSE excluded.status END,
           source = CASE WHEN subscribers.status = 'confirmed' THEN subscribers.source ELSE excluded.source END,
           confirmed_at = COALESCE(subscribers.confirmed_at, excluded.confirmed_at)`,
      )
      .run({
        address: addressKey(entry.email),
        email: entry.email.trim(),
        name: entry.name?.trim() || null,
        fields: JSON.stringify(entry.fields ?? {}),
        status: entry.status,
        source: entry.source,
        now,
      });
  }

  /** Removes a subscriber (not a suppression); true when there was one. */
  removeSubscriber(email: string): boolean {
    return this.db.prepare('DELETE FROM subscribers WHERE address = ?').run(addressKey(email)).changes > 0;
  }

  /** Forgets requests to join that were never confirmed and were made before `before`. */
  prunePendingSubscribers(before: string): number {
    return this.db.prepare(`DELETE FROM subscribers WHERE status = 'pending' AND requested_at < ?`).run(before).changes;
  }

  preferences(email: string): ReaderPreferences | undefined {
    const row = this.db.prepare('SELECT * FROM reader_preferences WHERE address = ?').get(addressKey(email)) as Record<string, unknown> | undefined;
    return row ? toPreferences(row) : undefined;
  }

  /** Every reader's preferences, by lower-cased address. */
  allPreferences(): Map<string, ReaderPreferences> {
    const rows = this.db.prepare('SELECT * FROM reader_preferences').all() as Record<string, unknown>[];
    return new Map(rows.map((row) => [row.address as string, toPreferences(row)]));
  }

  /** Sets a reader's sections and/or pause (a value left undefined is kept). */
  setPreferences(email: string, change: { sections?: string[] | null; pausedUntil?: string | null }, now: string): void {
    const current = this.preferences(email);
    const sections = change.sections !== undefined ? change.sections : (current?.sections ?? null);
    const pausedUntil = change.pausedUntil !== undefined ? change.pausedUntil : (current?.pausedUntil ?? null);
    this.withoutWaitingForDisk(() =>
      this.db
        .prepare(
          `INSERT INTO reader_preferences (address, sections, paused_until, updated_at) VALUES (@address, @sections, @pausedUntil, @now)
           ON CONFLICT (address) DO UPDATE SET sections = excluded.sections, paused_until = excluded.paused_until, updated_at = excluded.updated_at`,
        )
        .run({ address: addressKey(email), sections: sections === null ? null : JSON.stringify(sections), pausedUntil, now }),
    );
  }

  runItemIds(runId: number): string[] {
    return this.db.prepare('SELECT item_id FROM run_items WHERE run_id = ? ORDER BY position').pluck().all(runId) as string[];
  }
}

function toFeedState(row: Record<string, unknown>): FeedState {
  return {
    url: row.url as string,
    title: (row.title as string | null) ?? null,
    etag: (row.etag as string | null) ?? null,
    lastModified: (row.last_modified as string | null) ?? null,
    movedTo: (row.moved_to as string | null) ?? null,
    gone: row.gone === 1,
    firstSeenAt: row.first_seen_at as string,
    lastAttemptAt: (row.last_attempt_at as string | null) ?? null,
    lastSuccessAt: (row.last_success_at as string | null) ?? null,
    lastStatus: (row.last_status as string | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
    consecutiveFailures: row.consecutive_failures as number,
  };
}

function toStoredRendering(row: Record<string, unknown>): StoredRendering {
  return {
    digestHash: row.digest_hash as string,
    subject: row.subject as string,
    preheader: row.preheader as string,
    html: row.html as string,
    text: row.text as string,
    marker: row.marker as string,
  };
}

/** The parts of a rendering a run stores (from `renderDigest`'s result). */
export function storedRendering(rendered: { hash: string; subject: string; preheader: string; html: string; text: string; marker: string }): StoredRendering {
  return { digestHash: rendered.hash, subject: rendered.subject, preheader: rendered.preheader, html: rendered.html, text: rendered.text, marker: rendered.marker };
}

function toRunRow(row: Record<string, unknown>): RunRow {
  return {
    id: row.id as number,
    kind: row.kind as string,
    slot: (row.slot as string | null) ?? null,
    startedAt: row.started_at as string,
    finishedAt: (row.finished_at as string | null) ?? null,
    status: row.status as RunRow['status'],
    ...toStoredRendering(row),
    itemCount: row.item_count as number,
    settings: JSON.parse((row.settings as string | undefined) || '{}') as Record<string, string>,
    transport: (row.transport as TransportKind | null | undefined) ?? null,
  };
}

/** SQL giving the strength of the reason in `column` (SUPPRESSION_STRENGTH). */
function strengthSql(column: string): string {
  return `CASE ${column} ${Object.entries(SUPPRESSION_STRENGTH).map(([reason, n]) => `WHEN '${reason}' THEN ${n}`).join(' ')} ELSE 0 END`;
}

function toSuppressionRow(row: Record<string, unknown>): SuppressionRow {
  return {
    email: row.email as string,
    reason: row.reason as SuppressionReason,
    source: row.source as string,
    detail: (row.detail as string | null) ?? null,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

function toSubscriberRow(row: Record<string, unknown>): SubscriberRow {
  return {
    email: row.email as string,
    name: (row.name as string | null) ?? null,
    fields: JSON.parse((row.fields as string) || '{}') as Record<string, string>,
    status: row.status as SubscriberStatus,
    source: row.source as string,
    requestedAt: row.requested_at as string,
    confirmedAt: (row.confirmed_at as string | null) ?? null,
  };
}

function toPreferences(row: Record<string, unknown>): ReaderPreferences {
  return {
    sections: row.sections === null || row.sections === undefined ? null : (JSON.parse(row.sections as string) as string[]),
    pausedUntil: (row.paused_until as string | null) ?? null,
    updatedAt: row.updated_at as string,
  };
}

function toDeliveryRow(row: Record<string, unknown>): DeliveryRow {
  return {
    runId: row.run_id as number,
    recipient: row.recipient as string,
    name: (row.name as string | null) ?? null,
    fields: JSON.parse((row.fields as string) || '{}') as Record<string, string>,
    status: row.status as DeliveryStatus,
    messageId: row.message_id as string,
    attempts: row.attempts as number,
    lastError: (row.last_error as string | null) ?? null,
    updatedAt: row.updated_at as string,
    variant: (row.variant as string | null) ?? null,
  };
}
