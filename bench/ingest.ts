/**
 * Ingestion at scale, in a process of its own (bench/run.ts starts it) so the memory figure is
 * the pipeline's own: 200 feeds × 50 items served on 127.0.0.1 by another process
 * (bench/feed-server.ts), each response delayed 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { fork } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../src/config/load-config.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { buildDigest } from '../src/pipeline/build-digest.js';
import { StateStore } from '../src/state/state-store.js';
import { ITEMS } from './feeds.js';

const ms = (n: number) => `${n.toFixed(1)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/**
 * Ingestion at scale: 200 feeds × 50 items, each response delayed 50 ms, with ETags. First run:
 * fetch, parse, select (and clean/trim the 30 items a default digest takes). Second run: every
 * feed answers 304, so nothing is parsed.
 */
async function benchIngestion(): Promise<void> {
  const feeds = 200;
  // The feeds are served from another process, as publishers' servers would be.
  const server = fork(path.join(import.meta.dirname, 'feed-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FEEDS: String(feeds) },
  });
  const ask = <T>(message?: string) =>
    new Promise<T>((resolve) => {
      server.once('message', (reply) => resolve(reply as T));
      if (message) server.send(message);
    });
  const { port } = await ask<{ port: number }>();
  const origin = `http://127.0.0.1:${port}`;
  const work = mkdtempSync(path.join(tmpdir(), 'digest-bench-'));
  const config = resolveConfig(
    validateConfig(
      {
        title: 'Ingestion',
        feeds: Array.from({ length: feeds }, (_, i) => ({ url: `${origin}/feed${i}.xml`, name: `Feed ${i}` })),
        recipients: ['reader@example.com'],
        out: path.join(work, 'out'),
        state: path.join(work, 'state.sqlite'),
        // One local server stands in for 200 publishers: let it take the global limit.
        fetch: { concurrency: 16, perHost: 16 },
      },
      { file: 'bench' },
    ),
    { source: null, baseDir: work, env: {} },
  );
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  let t = performance.now();
  const store = StateStore.open(config.statePath);
  const first = await buildDigest(config, { store, now: new Date(), mode: 'run' });
  const firstMs = performance.now() - t;
  clearInterval(sampler);
  const stamp = new Date().toISOString();
  store.transaction(() => {
    for (const outcome of first.feedOutcomes) store.recordFeedOutcome(outcome, stamp);
  });
  const firstRequests = (await ask<{ requests: number }>('requests')).requests;
  t = performance.now();
  const second = await buildDigest(config, { store, now: new Date(), mode: 'run' });
  const secondMs = performance.now() - t;
  store.close();
  const notModified = second.feedOutcomes.filter((o) => o.status === 'not-modified').length;
  console.log(`Ingestion: ${feeds} feeds × ${ITEMS} items, 50 ms latency per response, concurrency 16`);
  console.log(`  first run (fetch, parse, select; clean+trim ${first.digest.items.length} chosen)   ${ms(firstMs)} (target ≤ 3 s)  (${firstRequests} requests, ${first.decisions.length} items considered)`);
  console.log(`  peak RSS of this process during the first run                ${mb(peak)}  (${mb(before)} before it; target ≤ 300 MB)`);
  console.log(`  second run, answered 304                                     ${ms(secondMs)} (target ≤ 1 s)  (${notModified}/${feeds} not modified)\n`);
  server.send('stop');
  rmSync(work, { recursive: true, force: true });
}

await benchIngestion();
