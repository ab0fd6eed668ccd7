import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { formatSlot } from '../schedule/schedule-slots.js';
import { StateStore, type DeliveryStatus, type RunRow, type TransportKind } from '../state/state-store.js';

export interface RunSummary {
  id: number;
  /** The scheduled time served, ISO 8601 UTC, and as read in the config's time zone. */
  slot: string | null;
  slotLocal: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** sending (recipients still pending), done, or partial (some failed). */
  status: RunRow['status'];
  subject: string;
  items: number;
  /** The transport the run was created for (null: recorded before this was kept). */
  transport: TransportKind | null;
  counts: Record<DeliveryStatus, number>;
  /** Accepted by the SMTP server. */
  sent: number;
  /** Written to the outbox as .eml files: nobody was emailed. */
  written: number;
  /** Not delivered yet but still deliverable: pending or in flight (the next run sends them) and temporary failures (`digest runs retry`). */
  deferred: number;
  /** Refused for good (5xx). */
  failed: number;
  /** The delivery queue the run was handed to (`name@redis://host:port`), or null when it was sent by the run itself. */
  queue: string | null;
}

/** The most recent runs in the ledger, newest first, with their delivery counts. */
export function listRuns(config: ResolvedConfig, limit = 20): RunSummary[] {
  if (config.statePath !== ':memory:' && !existsSync(config.statePath)) return [];
  const store = StateStore.open(config.statePath);
  try {
    return store.listRuns(limit).map((run) => ({
      id: run.id,
      slot: run.slot,
      slotLocal: run.slot ? formatSlot(new Date(run.slot), config.timezone) : null,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      status: run.status,
      subject: run.subject,
      items: run.itemCount,
      transport: run.transport,
      counts: run.counts,
      sent: run.counts.sent,
      written: run.counts.written,
      deferred: run.counts.pending + run.counts.sending + run.counts['failed-temporary'],
      failed: run.counts['failed-permanent'],
      queue: run.settings.queue ?? null,
    }));
  } finally {
    store.close();
  }
}
