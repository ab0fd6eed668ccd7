/**
 * The coordinator of one queued run, in a process of its own so its memory is its own (bench/queue.ts
 * starts it). Usage: queue-coordinator.ts DIR follow|enqueue — DIR holds digest.config.yaml and a
 * ledger whose run 1 is still to send. Prints JSON lines: `{"enqueued", "ms", "rss"}` once every
 * reader is on the queue (and the RSS of the process before it started, `idleRss`), then (follow) `{"done", "sent", "peakRss", "maxRss"}` once the workers
 * have sent them all and every report is recorded, with `liveHeap`, the most JS heap in use right after
 * a full collection (sampled every 2 s).
 */
import path from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { coordinateRun } from '../src/queue/coordinate-run.js';
import { StateStore } from '../src/state/state-store.js';

const [dir, mode] = process.argv.slice(2) as [string, 'follow' | 'enqueue'];
const config = loadConfig({ cwd: dir, env: {} });
const store = StateStore.open(path.join(dir, 'state.sqlite'));
const run = store.getRun(1)!;
globalThis.gc?.();
const idle = process.memoryUsage.rss();
let peak = idle;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
// What the coordinator holds, apart from garbage V8 has not collected yet: the JS heap after a
// full collection, every 2 s.
let liveHeap = 0;
const collector = setInterval(() => {
  globalThis.gc?.();
  liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
}, 2000);
const stop = new AbortController();
const started = performance.now();
const report = await coordinateRun(config, store, 1, run, run.settings as never, {
  now: () => new Date(),
  retryDelayMs: 1000,
  signal: stop.signal,
  onNotice: (line) => {
    const enqueued = /^Run 1: ([\d,]+) enqueued/.exec(line);
    if (!enqueued) return;
    console.log(JSON.stringify({ enqueued: Number(enqueued[1]!.replace(/,/g, '')), ms: performance.now() - started, rss: process.memoryUsage.rss(), idleRss: idle }));
    if (mode === 'enqueue') stop.abort();
  },
});
clearInterval(sampler);
clearInterval(collector);
peak = Math.max(peak, process.memoryUsage.rss());
console.log(JSON.stringify({ done: true, sent: report.sent, pending: report.pending, peakRss: peak, maxRss: process.resourceUsage().maxRSS * 1024, liveHeap, idleRss: idle }));
store.close();
