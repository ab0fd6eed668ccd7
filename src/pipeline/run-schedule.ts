import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { isDigestError } from '../errors.js';
import { runDigest, type PipelineOptions, type RunResult } from './run-digest.js';
import { StateStore, type SlotRecord } from '../state/state-store.js';
import { formatDuration, formatSlot, latestSlot, nextSlot } from '../schedule/schedule-slots.js';

export type ScheduleEvent =
  | { type: 'started'; next: Date | undefined }
  | { type: 'waiting'; next: Date | undefined }
  /** A slot is due: on time, or late but within the grace window (caught up). */
  | { type: 'due'; slot: Date; lateMs: number }
  | { type: 'served'; slot: Date; result: RunResult }
  /** Already served (by `digest run` from cron, or another scheduler); nothing done. */
  | { type: 'already-served'; slot: Date; record: SlotRecord | undefined }
  /** Missed by more than the grace window: not sent, recorded as skipped. */
  | { type: 'skipped'; slot: Date; lateMs: number }
  /** A run left unfinished (server unreachable, or stopped) is tried again. */
  | { type: 'resuming'; runId: number }
  | { type: 'resumed'; result: RunResult }
  /** Another process holds the run lock; tried again shortly. */
  | { type: 'busy'; message: string }
  | { type: 'failed'; slot: Date | undefined; error: unknown };

export interface ScheduleOptions {
  /** The clock (tests inject one). */
  now?: () => Date;
  /** Waits `ms`, or less when `signal` aborts (tests inject one that moves their clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Stops the loop; a run in progress stops starting messages and leaves the rest pending. */
  signal?: AbortSignal;
  onEvent?: (event: ScheduleEvent) => void;
  /** Serves a slot, or (resumeOnly) finishes an unfinished run; default runDigest. */
  run?: (slot: Date | undefined, options: { signal: AbortSignal; resumeOnly: boolean }) => Promise<RunResult>;
  /** Options for the default run. */
  pipeline?: PipelineOptions;
  /**
   * The longest single wait. The loop wakes at least this often and reads the wall clock again,
   * so a machine that slept through a slot notices soon after it wakes (timers do not count the
   * time a machine is suspended).
   */
  checkEveryMs?: number;
  /** How soon to try again when another process holds the lock. */
  busyRetryMs?: number;
  /** How often to try to finish a run left unfinished (e.g. the mail server was down). */
  resumeEveryMs?: number;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/** What the ledger says about a slot, and whether some run is still unfinished. */
function readLedger(config: ResolvedConfig, slot: Date | undefined): { record: SlotRecord | undefined; unfinished: number | undefined } {
  if (config.statePath !== ':memory:' && !existsSync(config.statePath)) return { record: undefined, unfinished: undefined };
  const store = StateStore.open(config.statePath);
  try {
    return { record: slot ? store.slotRecord(slot.toISOString()) : undefined, unfinished: store.unfinishedRun()?.id };
  } finally {
    store.close();
  }
}

function recordSkipped(config: ResolvedConfig, slot: Date, detail: string, now: Date): void {
  const store = StateStore.open(config.statePath);
  try {
    store.recordSlot(slot.toISOString(), 'skipped', null, detail, now.toISOString());
  } finally {
    store.close();
  }
}

/**
 * `digest schedule`: runs the digest on the config's cron expression in its time zone until
 * stopped. Each slot is served once: on time; late but within `scheduleGraceMinutes` (the machine
 * was asleep or off); or, later than that, skipped and logged, because a morning digest at
 * teatime helps nobody. Nothing is lost by a skip: the next digest carries everything since the
 * last delivered one. A slot already served (by `digest run` from cron, or a second scheduler)
 * is not served again, and the run lock keeps runs from overlapping. A run left unfinished (the
 * mail server was down) is tried again every `resumeEveryMs`.
 */
export async function runSchedule(config: ResolvedConfig, options: ScheduleOptions = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const signal = options.signal ?? new AbortController().signal;
  const emit = options.onEvent ?? (() => {});
  const checkEvery = options.checkEveryMs ?? 60_000;
  const busyRetry = options.busyRetryMs ?? 60_000;
  const resumeEvery = options.resumeEveryMs ?? 5 * 60_000;
  const graceMs = config.scheduleGraceMinutes * 60_000;
  const run =
    options.run ??
    ((slot: Date | undefined, o: { signal: AbortSignal; resumeOnly: boolean }) =>
      runDigest(config, {
        ...options.pipeline,
        now,
        ...(slot ? { slot } : {}),
        onlyUnservedSlot: true,
        resumeOnly: o.resumeOnly,
        command: 'digest schedule',
        signal: o.signal,
      }));

  /** Runs `job`; false when another process held the lock. */
  const attempt = async (slot: Date | undefined, job: () => Promise<void>): Promise<boolean> => {
    try {
      await job();
      return true;
    } catch (error) {
      if (isDigestError(error) && error.code === 'STATE_LOCKED') {
        emit({ type: 'busy', message: error.message });
        return false;
      }
      emit({ type: 'failed', slot, error });
      return true;
    }
  };

  /** Slots this process has dealt with (served, found served, skipped, or failed). */
  const handled = new Set<number>();
  let announced: number | undefined;
  let lastResume = -Infinity;
  emit({ type: 'started', next: nextSlot(config.schedule, config.timezone, now()) });

  while (!signal.aborted) {
    const current = now();
    const slot = latestSlot(config.schedule, config.timezone, current);
    let busy = false;
    let ledger = readLedger(config, slot);

    if (slot && !handled.has(slot.getTime())) {
      const lateMs = current.getTime() - slot.getTime();
      if (ledger.record) {
        handled.add(slot.getTime());
        emit({ type: 'already-served', slot, record: ledger.record });
      } else if (lateMs > graceMs) {
        handled.add(slot.getTime());
        recordSkipped(config, slot, `missed by ${formatDuration(lateMs)}, more than scheduleGraceMinutes (${config.scheduleGraceMinutes})`, current);
        emit({ type: 'skipped', slot, lateMs });
      } else {
        emit({ type: 'due', slot, lateMs });
        // Not retried in a loop when it fails: the next slot tries afresh (a broken template
        // stays broken); a busy lock is tried again shortly.
        busy = !(await attempt(slot, async () => {
          const result = await run(slot, { signal, resumeOnly: false });
          if (result.status === 'already-served') emit({ type: 'already-served', slot, record: readLedger(config, slot).record });
          else emit({ type: 'served', slot, result });
        }));
        if (!busy) handled.add(slot.getTime());
        lastResume = now().getTime();
      }
      ledger = readLedger(config, undefined);
    }

    if (!busy && !signal.aborted && ledger.unfinished !== undefined && now().getTime() - lastResume >= resumeEvery) {
      emit({ type: 'resuming', runId: ledger.unfinished });
      lastResume = now().getTime();
      busy = !(await attempt(undefined, async () => {
        emit({ type: 'resumed', result: await run(undefined, { signal, resumeOnly: true }) });
      }));
    }

    const after = now();
    const next = nextSlot(config.schedule, config.timezone, after);
    if (next && announced !== next.getTime()) {
      announced = next.getTime();
      emit({ type: 'waiting', next });
    }
    let wait = Math.min(next ? next.getTime() - after.getTime() : Infinity, checkEvery);
    if (busy) wait = Math.min(wait, busyRetry);
    if (readLedger(config, undefined).unfinished !== undefined) wait = Math.min(wait, Math.max(0, lastResume + resumeEvery - after.getTime()));
    await sleep(Math.max(0, wait), signal);
  }
}

/** One line per event, for the log of a long-running `digest schedule`. */
export function describeScheduleEvent(event: ScheduleEvent, timezone: string): string {
  switch (event.type) {
    case 'started':
    case 'waiting':
      return event.next ? `next digest at ${formatSlot(event.next, timezone)}` : 'the schedule never fires again';
    case 'due':
      return event.lateMs > 60_000
        ? `catching up the ${formatSlot(event.slot, timezone)} digest, missed by ${formatDuration(event.lateMs)} (within the grace window)`
        : `sending the ${formatSlot(event.slot, timezone)} digest`;
    case 'served':
      return `${formatSlot(event.slot, timezone)}: ${event.result.status === 'nothing-new' ? 'nothing new, no email sent' : `run ${event.result.runId} done`}`;
    case 'already-served':
      return `${formatSlot(event.slot, timezone)}: already served${event.record?.runId ? ` by run ${event.record.runId}` : event.record ? ` (${event.record.outcome})` : ''}; nothing to do`;
    case 'skipped':
      return `skipped the ${formatSlot(event.slot, timezone)} digest: missed by ${formatDuration(event.lateMs)}, more than the grace window (scheduleGraceMinutes); the next digest carries its stories`;
    case 'resuming':
      return `trying again to finish run ${event.runId}`;
    case 'resumed': {
      const d = event.result.delivery;
      return event.result.runId ? `run ${event.result.runId}: ${d ? `${d.kind === 'outbox' ? `${d.written} written to the outbox` : `${d.sent} sent`}, ${d.pending} still pending` : 'finished'}` : 'nothing left to finish';
    }
    case 'busy':
      return `${event.message}; trying again shortly`;
    case 'failed':
      return `${event.slot ? `${formatSlot(event.slot, timezone)}: ` : ''}the run failed: ${event.error instanceof Error ? event.error.message : String(event.error)}`;
  }
}
