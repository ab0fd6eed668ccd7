import type { StateStore } from '../state/state-store.js';

/**
 * Group commit for the web server's writes. Each request's change is queued; the queue is written
 * in one transaction (one append to the write-ahead log) and made durable with one fdatasync
 * (`StateStore.sync`, on a libuv thread), and then every request in it is answered. While one
 * batch is being synced, the next gathers. So a reader told "you are unsubscribed" is unsubscribed
 * on disk, and a thousand readers at once cost a few syncs, not a thousand.
 */
export class WriteQueue {
  private queued: { write: () => void; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;

  constructor(private readonly store: StateStore) {}

  /** Resolves once `write` is committed and on disk; rejects if its batch failed (nothing of it was written). */
  write(write: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ write, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // Requests that arrive in the same turn of the event loop share the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    this.running = true;
    try {
      try {
        this.store.batch(() => {
          for (const entry of batch) entry.write();
        });
      } catch {
        // One bad write must not fail the others: write them one by one instead.
        await this.oneByOne(batch);
        return;
      }
      await this.store.sync();
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.running = false;
      if (this.queued.length) this.schedule();
    }
  }

  private async oneByOne(batch: typeof this.queued): Promise<void> {
    const done: (() => void)[] = [];
    for (const entry of batch) {
      try {
        this.store.batch(entry.write);
        done.push(entry.resolve);
      } catch (error) {
        entry.reject(error);
      }
    }
    await this.store.sync();
    for (const resolve of done) resolve();
  }
}
